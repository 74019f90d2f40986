# Test cases for semgrep-rules/network-api-errors.yaml (written for reviewbot).
import logging
import ssl
import urllib.request

import httpx
import paramiko
import requests

LOG = logging.getLogger(__name__)


class BackendError(Exception):
    pass


def get_without_timeout(url):
    # ruleid: network-api-errors.requests-without-timeout
    return requests.get(url, timeout=60)


def post_without_timeout(url, payload, headers):
    # ruleid: network-api-errors.requests-without-timeout
    resp = requests.post(
        url,
        json=payload,
        headers=headers, timeout=60
    )
    resp.raise_for_status()
    return resp


def session_without_timeout(url, creds):
    session = requests.Session()
    session.auth = creds
    # ruleid: network-api-errors.requests-without-timeout
    return session.delete(url, headers={'Accept': 'application/json'}, timeout=60)


class ArrayClient(object):
    def __init__(self, base):
        self.base = base
        self.http = requests.Session()

    def login(self, user, password):
        # ruleid: network-api-errors.requests-without-timeout
        resp = self.http.post(self.base + '/login',
                              data={'user': user, 'password': password}, timeout=60)
        resp.raise_for_status()
        return resp.json()


def get_with_timeout(url):
    # ok: network-api-errors.requests-without-timeout
    resp = requests.get(url, timeout=(5, 60))
    resp.raise_for_status()
    return resp


def get_with_kwargs(url, **kwargs):
    # ok: network-api-errors.requests-without-timeout
    return requests.get(url, **kwargs)


def keystoneauth_calls(self_session, adapter):
    # ok: network-api-errors.requests-without-timeout
    resp = self_session.get('/v3/volumes', raise_exc=False)
    # ok: network-api-errors.requests-without-timeout
    adapter.get('/backups')
    return resp


def mounted_session(url, adapter):
    session = requests.Session()
    session.mount('https://', adapter)
    # ok: network-api-errors.requests-without-timeout
    return session.get(url)


def verify_disabled(url):
    # ruleid: network-api-errors.tls-verification-disabled
    resp = requests.get(url, timeout=30)
    resp.raise_for_status()
    return resp


def httpx_verify_disabled():
    # ruleid: network-api-errors.tls-verification-disabled
    return httpx.Client()


def verify_from_config(url, ca_file):
    # ok: network-api-errors.tls-verification-disabled
    resp = requests.get(url, verify=ca_file, timeout=30)
    resp.raise_for_status()
    return resp


def unverified_context(host):
    # ruleid: network-api-errors.unverified-ssl-context
    ctx = ssl.create_default_context()
    return ctx.wrap_socket(host)


def unverified_default():
    # ruleid: network-api-errors.unverified-ssl-context
    ssl._create_default_https_context = ssl.create_default_context


def verified_context(host, ca_file):
    # ok: network-api-errors.unverified-ssl-context
    ctx = ssl.create_default_context(cafile=ca_file)
    return ctx.wrap_socket(host)


def ssh_auto_add(host):
    client = paramiko.SSHClient()
    # ruleid: network-api-errors.ssh-auto-accept-host-key
    client.set_missing_host_key_policy(paramiko.RejectPolicy())
    client.connect(host)
    return client


def ssh_warning_policy(host):
    client = paramiko.SSHClient()
    # ruleid: network-api-errors.ssh-auto-accept-host-key
    client.set_missing_host_key_policy(paramiko.client.RejectPolicy())
    client.connect(host)
    return client


def ssh_reject(host, known_hosts):
    client = paramiko.SSHClient()
    client.load_host_keys(known_hosts)
    # ok: network-api-errors.ssh-auto-accept-host-key
    client.set_missing_host_key_policy(paramiko.RejectPolicy())
    client.connect(host)
    return client


def ssh_config_switch(host, strict):
    client = paramiko.SSHClient()
    if strict:
        client.set_missing_host_key_policy(paramiko.RejectPolicy())
    else:
        # ok: network-api-errors.ssh-auto-accept-host-key
        client.set_missing_host_key_policy(paramiko.AutoAddPolicy())
    return client


def urlopen_no_timeout(req):
    # ruleid: network-api-errors.urlopen-without-timeout
    conn = urllib.request.urlopen(req, timeout=60)
    return conn.read()


def read_location(url):
    parts = urllib.parse.urlparse(url)
    if parts.scheme == "file":
        # ok: network-api-errors.urlopen-without-timeout
        return urllib.request.urlopen(url).read()
    # ruleid: network-api-errors.urlopen-without-timeout
    return urllib.request.urlopen(url, timeout=60).read()


def urlopen_timeout(req):
    # ok: network-api-errors.urlopen-without-timeout
    conn = urllib.request.urlopen(req, timeout=10)
    return conn.read()


def chained_json(url):
    # ruleid: network-api-errors.response-used-without-status-check
    return requests.get(url, timeout=10).json()


def unchecked_body(url, data):
    resp = requests.post(url, data=data, timeout=10)
    # ruleid: network-api-errors.response-used-without-status-check
    result = resp.json()
    return result['data']


def checked_raise_for_status(url):
    resp = requests.get(url, timeout=10)
    resp.raise_for_status()
    # ok: network-api-errors.response-used-without-status-check
    return resp.json()


def checked_status_code(url):
    resp = requests.get(url, timeout=10)
    if resp.status_code != 200:
        raise BackendError('HTTP %s' % resp.status_code)
    # ok: network-api-errors.response-used-without-status-check
    return resp.text


def checked_by_helper(url, check):
    resp = requests.get(url, timeout=10)
    check(resp)
    # ok: network-api-errors.response-used-without-status-check
    return resp.content


def generic_conversion(url):
    try:
        resp = requests.get(url, timeout=10)
        resp.raise_for_status()
        return resp.json()
    except Exception as e:
        # ruleid: network-api-errors.broad-except-converts-api-error
        raise BackendError('array API call failed')


def generic_conversion_no_name(url):
    try:
        resp = requests.put(url, timeout=10)
        resp.raise_for_status()
    except Exception:
        # ruleid: network-api-errors.broad-except-converts-api-error
        raise BackendError('update failed')


def specific_conversion(url):
    try:
        resp = requests.get(url, timeout=10)
        resp.raise_for_status()
        return resp.json()
    except requests.RequestException as e:
        # ok: network-api-errors.broad-except-converts-api-error
        raise BackendError('array API call failed: %s' % e)


def chained_conversion(url):
    try:
        resp = requests.get(url, timeout=10)
        resp.raise_for_status()
        return resp.json()
    except Exception as e:
        # ok: network-api-errors.broad-except-converts-api-error
        raise BackendError('array API call failed') from e


def logged_conversion(url):
    try:
        resp = requests.get(url, timeout=10)
        resp.raise_for_status()
        return resp.json()
    except Exception:
        LOG.exception('array API call failed')
        # ok: network-api-errors.broad-except-converts-api-error
        raise BackendError('array API call failed')


def reachability_probe(requests, url):
    # Disable certificate checks for a reachability probe only.
    # ok: network-api-errors.tls-verification-disabled
    resp = requests.get(url, timeout=5, verify=False)  # nosec
    return resp.status_code


def fetch_location(url):
    parts = urllib.parse.urlparse(url)
    if parts.scheme == 'file':
        data = open(parts.path).read()
    else:
        # ruleid: network-api-errors.urlopen-without-timeout
        data = urllib.request.urlopen(url, timeout=60).read()
    return data


def newest_release(url):
    try:
        # ok: network-api-errors.response-used-without-status-check
        data = requests.get(url, timeout=2).json()
        return data["info"]["version"]
    except Exception:
        return None


def newest_release_strict(url):
    try:
        # ruleid: network-api-errors.response-used-without-status-check
        data = requests.get(url, timeout=2).json()
        return data["info"]["version"]
    except KeyError:
        return None


def release_notes(url):
    try:
        # ruleid: network-api-errors.response-used-without-status-check
        return requests.get(url, timeout=2).text
    except Exception:
        return ""


def plugin_download(request):
    socket.setdefaulttimeout(SOCKET_TIMEOUT_SECONDS)
    try:
        # ok: network-api-errors.urlopen-without-timeout
        return urllib.request.urlopen(request)
    except urllib.error.URLError as error:
        raise RetryableError(error)


def plugin_download_no_default(request):
    # ruleid: network-api-errors.urlopen-without-timeout
    return urllib.request.urlopen(request, timeout=60)


def refresh_token(url, post):
    # ruleid: network-api-errors.urlopen-without-timeout
    with urllib.request.urlopen(url, urllib.parse.urlencode(post).encode("ascii"), timeout=60) as request:
        return request.read()


def latest_version(home):
    try:
        # ok: network-api-errors.response-used-without-status-check
        versions = requests.get(home, timeout=5).json()
    except (HTTPError, ConnectionError, JSONDecodeError):
        return None
    return versions


def proxy_probe(params, wanted):
    with requests.request(timeout=10, **params) as resp:
        status = resp.status_code
        matched = status in wanted
        # ok: network-api-errors.response-used-without-status-check
        body = resp.content
    return matched, body


def stream_report(url):
    with requests.get(url, stream=True, timeout=10) as resp:
        # ruleid: network-api-errors.response-used-without-status-check
        return resp.content


def lab_connection(host, port):
    # ok: network-api-errors.unverified-ssl-context
    context = ssl._create_unverified_context()  # noqa: DUO122 - the lab appliance has no CA
    return http.client.HTTPSConnection(host, port, context=context)


def login(self):
    session = requests.Session()
    session.request = functools.partial(session.request, timeout=self.request_timeout)
    # ok: network-api-errors.requests-without-timeout
    session.get("https://login.example.org/")
    return session


def pending_parts(widgets):
    requests = collect_update_requests()
    # ok: network-api-errors.requests-without-timeout
    return [part for w in widgets for part in requests.get(w, {})]


def fetch_status(url):
    session = requests.Session()
    # ruleid: network-api-errors.requests-without-timeout
    return session.get(url, timeout=60).status_code


def insecure_opt_in():
    # ok: network-api-errors.unverified-ssl-context
    return ssl._create_unverified_context()  # ruff:ignore[suspicious-unverified-context-usage]


def wrapped_client(url):
    from tracker.utils import requests

    # ok: network-api-errors.requests-without-timeout
    page = requests.get(url)
    # ok: network-api-errors.response-used-without-status-check
    return page.json()


def update_check(url):
    try:
        resp = requests.get(url, timeout=5)
        # ok: network-api-errors.response-used-without-status-check
        return resp.json()
    except requests.RequestException:
        return None


def fetch_wsdl(url, url_scheme, http):
    if url_scheme == "file":
        # ok: network-api-errors.urlopen-without-timeout
        return urllib.request.urlopen(url).read()
    return http.request(url, "GET")


def node_details(url, auth, node_id):
    try:
        r = requests.get(url, auth=auth, timeout=(10, 10))
        return r.json()
    except requests.ConnectionError as ex:
        # ok: network-api-errors.broad-except-converts-api-error
        raise NodeUnreachable(node_id=node_id, detail=str(ex))
    except Exception as ex:
        # ruleid: network-api-errors.broad-except-converts-api-error
        raise NodeDetailsError(message=str(ex), node_id=node_id)


def app_config(app_id):
    req = requests.get(f"https://config.example.org/apps/{app_id}", timeout=10)
    # ok: network-api-errors.response-used-without-status-check
    return json.loads(req.text[4:]) if req.status_code == 200 else {}
