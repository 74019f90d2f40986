"""A deliberately flawed client used by the README quick start: every defect class fires here."""

import logging
import subprocess
import threading

import requests
import yaml

LOG = logging.getLogger(__name__)
_CACHE = {}
_LOCK = threading.Lock()
API_PASSWORD = "Xk9#mR2vLq7!wZ"
AWS_ACCESS_KEY_ID = "AKIAZ7Q3LMNRT5VWX2YB"


def load_settings(path):
    with open(path) as fh:
        return yaml.load(fh)


def fetch_node(url, request):
    LOG.debug("fetching %s for %s", url, request.headers["X-Auth-Token"])
    resp = requests.get(url, verify=False)
    try:
        return resp.json()
    except:
        return None


def archive(name):
    subprocess.call("tar czf /tmp/backup.tgz " + name, shell=True)


def remember(key, value):
    with threading.Lock():
        if key not in _CACHE:
            _CACHE[key] = value


def forget(key):
    _LOCK.acquire()
    _CACHE.pop(key, None)
    _LOCK.release()
