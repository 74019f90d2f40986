# reviewbot service image: `docker build -t reviewbot . && docker run -p 8080:8080 \
#   -e REVIEWBOT_GITHUB__WEBHOOK_SECRET=... -e REVIEWBOT_GITHUB__TOKEN=... -v reviewbot-data:/data reviewbot`
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    SEMGREP_ENABLE_VERSION_CHECK=0 \
    SEMGREP_SEND_METRICS=off \
    REVIEWBOT_SERVER__HOST=0.0.0.0 \
    REVIEWBOT_STORE__DATABASE_URL=sqlite+aiosqlite:////data/reviewbot.db \
    REVIEWBOT_CACHE_DIR=/data/cache \
    REVIEWBOT_RULES_DIR=/app/semgrep-rules

RUN apt-get update && apt-get install -y --no-install-recommends git \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 10001 reviewbot \
    && mkdir -p /data && chown reviewbot /data

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY semgrep-rules ./semgrep-rules
COPY config ./config
RUN pip install .

USER reviewbot
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=4)"
CMD ["reviewbot", "serve"]
