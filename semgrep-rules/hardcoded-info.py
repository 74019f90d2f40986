"""Semgrep test cases for the hardcoded-info rules (written for reviewbot).

A module docstring that shows the input format of a key is documentation, not a key
(private-key-literal, ok):

    -----BEGIN RSA PRIVATE KEY-----
    MIIEowIBAAKCAQEA0Zx3q7c9Jk2LmNpQrStUvWxYz0123456789abcdefABCDEF
    -----END RSA PRIVATE KEY-----
"""
import os
import socket
import tempfile

from oslo_config import cfg
from oslo_utils import strutils

# --- hardcoded-password-string (B105) ---------------------------------------

# ruleid: hardcoded-info.hardcoded-password-string
password = 'nexenta-4dm1n'
# ruleid: hardcoded-info.hardcoded-password-string
ADMIN_PASSWORD = "Adm1n-Pa55!"
# ruleid: hardcoded-info.hardcoded-password-string
client_secret = "8f14e45fceea167a5a36dedd4bea2543"
# ruleid: hardcoded-info.hardcoded-password-string
FSC_KMIP_SECRET_KEY = 'kmip:7ad2f0e1c9'
# ruleid: hardcoded-info.hardcoded-password-string
user_passwd = 'Pa$$w0rd99'

# Enum-like constants whose value spells the name are not credentials.
# ok: hardcoded-info.hardcoded-password-string
PASSWORD = 'password'
# ok: hardcoded-info.hardcoded-password-string
CHANGE_PASSWORD = 'changePassword'
# ok: hardcoded-info.hardcoded-password-string
UNRESCUE = 'unrescue'
# ok: hardcoded-info.hardcoded-password-string
VMAX_PASSWORD = 'san_password'
# ok: hardcoded-info.hardcoded-password-string
CHAP_SECRET_KEY = "PURE_TARGET_CHAP_SECRET"
# ok: hardcoded-info.hardcoded-password-string
NEXT_TOKEN_KEY = "NextToken"
# ok: hardcoded-info.hardcoded-password-string
RESET_TOKEN = "reset_token"
# ok: hardcoded-info.hardcoded-password-string
token_type = "Bearer"
# ok: hardcoded-info.hardcoded-password-string
AUTH_TOKEN = 'X-Auth-Token'
# ok: hardcoded-info.hardcoded-password-string
OS_PASSWORD = 'os_password2'
# ok: hardcoded-info.hardcoded-password-string
SIGNING_KEY = 'hmac-sha256'
# ok: hardcoded-info.hardcoded-password-string
ENCRYPTION_KEY = 'aes-256-cbc'
# Masked, empty and placeholder values.
# ok: hardcoded-info.hardcoded-password-string
token = '***'
# ok: hardcoded-info.hardcoded-password-string
password = ''
# ok: hardcoded-info.hardcoded-password-string
password = None
# ok: hardcoded-info.hardcoded-password-string
token = "Unknown"
# ok: hardcoded-info.hardcoded-password-string
password = '%(password)s'
# ok: hardcoded-info.hardcoded-password-string
password = '${OS_PASSWORD}'
# ok: hardcoded-info.hardcoded-password-string
admin_password = '<ADMIN_PASSWORD>'
# ok: hardcoded-info.hardcoded-password-string
password = 'your_password_1'
# ok: hardcoded-info.hardcoded-password-string
api_key = 'example-key-0123'
# Library and appliance default credentials (letters only) are documented defaults.
# ok: hardcoded-info.hardcoded-password-string
DEFAULT_PASSWORD = 'guest'
# ok: hardcoded-info.hardcoded-password-string
password = 'nexenta'
# ok: hardcoded-info.hardcoded-password-string
user_passwd = 'manilanobody'
# ok: hardcoded-info.hardcoded-password-string
env_password = "sikrit"
# Placeholder-style values that spell a credential word or a keyboard run.
# ok: hardcoded-info.hardcoded-password-string
san_password = 'password2'
# ok: hardcoded-info.hardcoded-password-string
chap_secret = 'chapsecret01'
# ok: hardcoded-info.hardcoded-password-string
chap_password = 'datacore123456'
# ok: hardcoded-info.hardcoded-password-string
admin_password = 'Admin123'
# A default credential constant is deliberate, whatever its value.
# ok: hardcoded-info.hardcoded-password-string
DEFAULT_ADMIN_PASSWORD = 'Adm1n-Pa55!'
# ok: hardcoded-info.hardcoded-password-string
FAKE_TOKEN = 'a1b2c3d4e5f6a7b8c9d0'
# Names that do not hold a secret.
# ok: hardcoded-info.hardcoded-password-string
password_field = 'os-password'
# ok: hardcoded-info.hardcoded-password-string
token_url = 'https://keystone.example.org/v3/auth/tokens'
# ok: hardcoded-info.hardcoded-password-string
secret_ref_key = 'secret_ref'
# ok: hardcoded-info.hardcoded-password-string
is_password = 'yes'
# ok: hardcoded-info.hardcoded-password-string
token_prefix = 'ftk'  # nosec: B105
# ok: hardcoded-info.hardcoded-password-string
admin_token = 'Adm1nT0ken99'  # nosec
# ok: hardcoded-info.hardcoded-password-string
admin_token = 'Adm1nT0ken99'  # noqa: S105
# Key and password *files*, paths and e-mail addresses are not secrets.
# ok: hardcoded-info.hardcoded-password-string
private_key = 'server2048.pem'
# ok: hardcoded-info.hardcoded-password-string
PRIVATE_KEY = '/etc/octavia/certs/server_ca.key.pem'
# ok: hardcoded-info.hardcoded-password-string
secret_key = 'keys/secret-v2'
# ok: hardcoded-info.hardcoded-password-string
password = 'guest1@example.org'


class Secret(object):
    def __init__(self, raw):
        # ok: hardcoded-info.hardcoded-password-string
        self.type = 'passphrase'
        # ok: hardcoded-info.hardcoded-password-string
        self.password = strutils.mask_password(raw)
        # ruleid: hardcoded-info.hardcoded-password-string
        self.password = 'Sup3rS3cret'
        conf = {}
        # ruleid: hardcoded-info.hardcoded-password-string
        conf['auth_password'] = 'chApS3c-0192'
        # ok: hardcoded-info.hardcoded-password-string
        conf['auth_method'] = 'CHAP'
        # Masking a payload before logging it.
        # ok: hardcoded-info.hardcoded-password-string
        conf['data']['password'] = '**SECRET**'


def check_login(user, password, conf):
    # Comparisons check option values far more often than they hide a backdoor.
    # ok: hardcoded-info.hardcoded-password-string
    if password == 'letmein!1':
        return True
    # ok: hardcoded-info.hardcoded-password-string
    if password == '':
        return False
    # ok: hardcoded-info.hardcoded-password-string
    if conf.mask_secrets == 'always':
        return False
    return user


# --- hardcoded-password-dict (B105) -----------------------------------------

CREDS = {
    'username': 'admin',
    # ruleid: hardcoded-info.hardcoded-password-dict
    'password': 'Adm1nP4ss!',
    # ok: hardcoded-info.hardcoded-password-dict
    'token': 'X-Subject-Token',
}
# ok: hardcoded-info.hardcoded-password-dict
FIELDS = {'NextToken': 'next_token', 'password': 'os_password'}
# ruleid: hardcoded-info.hardcoded-password-dict
OAUTH = {'access_token': 'ya29.a0AfH6SMBx3kq9', 'expires_in': 3600}


class Transport(object):
    @property
    def default_connection_params(self):
        # A broker's documented default credentials.
        # ok: hardcoded-info.hardcoded-password-dict
        return {'userid': 'guest', 'password': 'guest', 'port': 5672}


# --- hardcoded-password-kwarg (B106) ----------------------------------------

def connect(client_cls, conf):
    # ruleid: hardcoded-info.hardcoded-password-kwarg
    client = client_cls(username='admin', password='Pa$$w0rd99')
    # ruleid: hardcoded-info.hardcoded-password-kwarg
    client.login(api_key='a1b2c3d4e5f6a7b8c9d0')
    # ok: hardcoded-info.hardcoded-password-kwarg
    client.login(password=conf.san_password)
    # ok: hardcoded-info.hardcoded-password-kwarg
    client.login(password='')
    # ok: hardcoded-info.hardcoded-password-kwarg
    client.login(username='admin', password='admin')
    # ok: hardcoded-info.hardcoded-password-kwarg
    client.create_secret(secret_type='symmetric')
    # ok: hardcoded-info.hardcoded-password-kwarg
    client.set_header(token='X-Auth-Token')
    # ok: hardcoded-info.hardcoded-password-kwarg
    client.load(private_key='/etc/ssh/id_rsa2')
    return client


# --- hardcoded-password-default (B107) --------------------------------------

# ruleid: hardcoded-info.hardcoded-password-default
def login(host, user='admin', password='nexenta-4dm1n'):
    return host, user, password


# ok: hardcoded-info.hardcoded-password-default
def login2(host, user=None, password=None):
    return host, user, password


# ok: hardcoded-info.hardcoded-password-default
def login3(host, password='', token_type='Bearer'):
    return host, password, token_type


# ok: hardcoded-info.hardcoded-password-default
def login4(host, user='guest', password='guest'):
    return host, user, password


# --- bind-all-interfaces (B104) ---------------------------------------------

opts = [
    # ok: hardcoded-info.bind-all-interfaces
    cfg.StrOpt('osapi_volume_listen', default='0.0.0.0',
               help='IP address on which the API listens'),
    # ok: hardcoded-info.bind-all-interfaces
    cfg.HostAddressOpt('bind_host', default='0.0.0.0'),
    # ok: hardcoded-info.bind-all-interfaces
    cfg.IPOpt('my_ip', default='0.0.0.0'),
]


def serve(conf, port, portals_ips):
    sock = socket.socket()
    # ruleid: hardcoded-info.bind-all-interfaces
    sock.bind(('0.0.0.0', port))
    sock6 = socket.socket(socket.AF_INET6)
    # ruleid: hardcoded-info.bind-all-interfaces
    sock6.bind(('::', port))
    if not portals_ips:
        # ok: hardcoded-info.bind-all-interfaces
        portals_ips = ('0.0.0.0', '[::0]')
    # ok: hardcoded-info.bind-all-interfaces
    bind_ip = conf.get('bind_ip', '0.0.0.0')
    # ok: hardcoded-info.bind-all-interfaces
    host = getattr(conf, 'osapi_volume_listen', "0.0.0.0")
    # ok: hardcoded-info.bind-all-interfaces
    if bind_ip == '0.0.0.0':
        bind_ip = None
    # ok: hardcoded-info.bind-all-interfaces
    sep = '::'
    return sock, sock6, bind_ip, host, sep


# ok: hardcoded-info.bind-all-interfaces
def run_server(app, host='0.0.0.0', port=8080):
    return app, host, port


def start_listeners(app, handler, port, loop, proto, web, eventlet, http_server):
    # ruleid: hardcoded-info.bind-all-interfaces
    app.run(host='0.0.0.0', port=port)
    # ruleid: hardcoded-info.bind-all-interfaces
    httpd = http_server.HTTPServer(('0.0.0.0', port), handler)
    srv = socket.socket()
    # ruleid: hardcoded-info.bind-all-interfaces
    srv.bind(('', port))
    # ruleid: hardcoded-info.bind-all-interfaces
    listener = eventlet.listen(('::', port))
    # ruleid: hardcoded-info.bind-all-interfaces
    web.run_app(app, host='0.0.0.0', port=port)
    # ruleid: hardcoded-info.bind-all-interfaces
    server = loop.create_server(proto, '0.0.0.0', port)
    # ok: hardcoded-info.bind-all-interfaces
    local = eventlet.listen(('127.0.0.1', port))
    return httpd, srv, listener, server, local


# ok: hardcoded-info.bind-all-interfaces
WILDCARDS = {4: '0.0.0.0', 6: '::'}


def not_listeners(parser, filters, mac, spawn_kwargs, client):
    # ok: hardcoded-info.bind-all-interfaces
    parser.add_argument('-H', '--host', default='0.0.0.0', help='Address of the API host.')
    # ok: hardcoded-info.bind-all-interfaces
    filters.append({'dl_src': mac, 'nw_src': '0.0.0.0'})
    # ok: hardcoded-info.bind-all-interfaces
    spawn_kwargs['bind_address'] = '::'
    # ok: hardcoded-info.bind-all-interfaces
    conn = socket.create_connection(('0.0.0.0', 80))
    # ok: hardcoded-info.bind-all-interfaces
    server = client.find_server(host='0.0.0.0')
    return conn, server


# --- hardcoded-tmp-path (B108) ----------------------------------------------

tmp_opts = [
    # ok: hardcoded-info.hardcoded-tmp-path
    cfg.StrOpt('image_tmp_dir', default='/tmp'),
]


# A module constant used by a sink is reported once, where it is defined.
# ruleid: hardcoded-info.hardcoded-tmp-path
ACTIVITY_PATH = "/tmp/alarms_activity.txt"
# ok: hardcoded-info.hardcoded-tmp-path
UNUSED_PATH = "/tmp/never_opened.txt"


def write_state(data, conf, remote):
    # ruleid: hardcoded-info.hardcoded-tmp-path
    with open('/tmp/cinder-state.json', 'w') as f:
        f.write(data)
    # ruleid: hardcoded-info.hardcoded-tmp-path
    os.makedirs(os.path.join('/var/tmp', 'metrics'))
    # ruleid: hardcoded-info.hardcoded-tmp-path
    shutil.copyfile(conf.source, '/dev/shm/qmanager')
    # ok: hardcoded-info.hardcoded-tmp-path
    with open(ACTIVITY_PATH, 'rb') as f:
        data = f.read()
    # ok: hardcoded-info.hardcoded-tmp-path
    with open(ACTIVITY_PATH, 'wb') as f:
        f.write(data)
    # ok: hardcoded-info.hardcoded-tmp-path
    fd, path = tempfile.mkstemp(dir='/tmp')
    # ok: hardcoded-info.hardcoded-tmp-path
    prefix = conf.get('log_filename_prefix', '/tmp/log/profile')
    # ok: hardcoded-info.hardcoded-tmp-path
    if path.startswith('/tmp/'):
        pass
    # ok: hardcoded-info.hardcoded-tmp-path
    profile = open('/tmp/log/swift/profile/default.profile')  # nosec B108
    # ok: hardcoded-info.hardcoded-tmp-path
    other = open('/tmpfs/data')
    # a path on another machine
    # ok: hardcoded-info.hardcoded-tmp-path
    remote.write_file_to('/tmp/job.xml', data)
    # ok: hardcoded-info.hardcoded-tmp-path
    volumes = {'/tmp': {'bind': '/tmp', 'mode': 'rw'}}
    return fd, prefix, profile, other, volumes


# --- private-key-literal ----------------------------------------------------

# ruleid: hardcoded-info.private-key-literal
DEPLOY_KEY = ('-----BEGIN RSA PRIVATE KEY-----\n'
              'MIIEowIBAAKCAQEA0Zx3q7c9Jk2LmNpQrStUvWxYz0123456789abcdefABCDEF\n'
              'yZ4kd9Jq0pL2mN8bV5cX1zR7tY3uI6oP9aS4dF2gH5jK8lQ1wE3rT6yU9iO0pA\n'
              '-----END RSA PRIVATE KEY-----\n')
# The marker alone is a parser constant, not a key.
# ok: hardcoded-info.private-key-literal
PEM_PRIVATE_HEADER = '-----BEGIN RSA PRIVATE KEY-----'
# ok: hardcoded-info.private-key-literal
PUBLIC = '-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAz1x2y3\n'


def load_private_key(text):
    """Parse a PEM private key.

    The input looks like::

        # ok: hardcoded-info.private-key-literal
        -----BEGIN RSA PRIVATE KEY-----
        MIIEowIBAAKCAQEA0Zx3q7c9Jk2LmNpQrStUvWxYz0123456789abcdefABCDEF
        yZ4kd9Jq0pL2mN8bV5cX1zR7tY3uI6oP9aS4dF2gH5jK8lQ1wE3rT6yU9iO0pA
        -----END RSA PRIVATE KEY-----
    """
    return text.strip()


class KeyLoader(object):
    r"""Loads keys given as

    # ok: hardcoded-info.private-key-literal
    -----BEGIN OPENSSH PRIVATE KEY-----
    b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAABlwAAAAdzc2gtcn
    -----END OPENSSH PRIVATE KEY-----
    """

    # ruleid: hardcoded-info.private-key-literal
    FALLBACK_KEY = """-----BEGIN EC PRIVATE KEY-----
MHcCAQEEIBkg4LVWM9nuwNSk3yByxZpYRTBnVJk5oLu4uHl8Bk9aoAoGCCqGSM49
-----END EC PRIVATE KEY-----"""

    def parse(self, text):
        """-----BEGIN RSA PRIVATE KEY-----
        MIIEowIBAAKCAQEA0Zx3q7c9Jk2LmNpQrStUvWxYz0123456789abcdefABCDEF
        -----END RSA PRIVATE KEY-----
        """
        return text

    def default_key(self):
        """Return the built-in key."""
        # ruleid: hardcoded-info.private-key-literal
        return """-----BEGIN RSA PRIVATE KEY-----
MIIEowIBAAKCAQEA0Zx3q7c9Jk2LmNpQrStUvWxYz0123456789abcdefABCDEF
-----END RSA PRIVATE KEY-----"""


load_private_key.__doc__ += """
# ok: hardcoded-info.private-key-literal
-----BEGIN RSA PRIVATE KEY-----
MIIEowIBAAKCAQEA0Zx3q7c9Jk2LmNpQrStUvWxYz0123456789abcdefABCDEF
"""


# --- well-known-token -------------------------------------------------------

# ruleid: hardcoded-info.well-known-token
AWS_ACCESS_KEY_ID = 'AKIAZ7Q3LMNRT5VWX2YB'
# ruleid: hardcoded-info.well-known-token
GITHUB = "ghp_Zq8rT3vW6yB1nM4kL7pJ0hG5fD2sA9xC3eQw"
# ruleid: hardcoded-info.well-known-token
SLACK_HOOK_TOKEN = 'xoxb-2468013579-1357924680-Zq8rT3vW6yB1nM4k'
# ok: hardcoded-info.well-known-token
AWS_DOC_KEY = 'AKIAIOSFODNN7EXAMPLE'
# ok: hardcoded-info.well-known-token
prefix = 'ghp_'
# ruleid: hardcoded-info.google-api-key
MAPS_KEY = 'AIzaQ7x2Lm9Rt4Vw8Yb1Nc5Kd3Jf6Hg0Ps2Te7U'
# ok: hardcoded-info.google-api-key
KEY_PREFIX = 'AIza'


# --- url-embedded-credentials -----------------------------------------------

# ruleid: hardcoded-info.url-embedded-credentials
TRANSPORT_URL = 'rabbit://openstack:R4bb1tPw@controller:5672/'
# ruleid: hardcoded-info.url-embedded-credentials
engine = create_engine('mysql+pymysql://cinder:Db-Pa55@db.internal/cinder')
# ok: hardcoded-info.url-embedded-credentials
EXAMPLE_URL = 'rabbit://user:pass@host:5672/'
# ok: hardcoded-info.url-embedded-credentials
FMT = '%s://%s:%s@%s' % ('http', 'u', 'p', 'h')
# ok: hardcoded-info.url-embedded-credentials
PLAIN = 'http://controller:5000/v3'
url_opts = [
    # ok: hardcoded-info.url-embedded-credentials
    cfg.StrOpt('transport_url', default='rabbit://guest:guest@localhost:5672/',
               secret=True),
]


# --- names and values that are not credentials ---------------------------------

# ok: hardcoded-info.hardcoded-password-string
STYLE_LOGIN_PASSWORD = 'basic_auth'


def parse_sections(sections):
    last_token = None
    for section in sections:
        # ok: hardcoded-info.hardcoded-password-string
        if last_token == 'frontend':
            # ok: hardcoded-info.hardcoded-password-string
            last_token = 'frontend_id'
    return last_token


# ruleid: hardcoded-info.hardcoded-password-string
token = "ghx9Kq2Lm7Zp4Rt8Wv3Yb6Nc1Qs5"
# ruleid: hardcoded-info.hardcoded-password-string
auth_token = 'S3cr3tT0k3nValue'
# ok: hardcoded-info.hardcoded-password-string
token = 'frontend'
# A parser token is short or has no digits.
# ok: hardcoded-info.hardcoded-password-string
token = 'ipv6_address2'
# ok: hardcoded-info.url-embedded-credentials
CI_DB_URL = 'postgresql+psycopg2://citest:citest@localhost/postgres'
# ruleid: hardcoded-info.url-embedded-credentials
BROKER_URL = 'amqp://nova:Rabb1t-Pw@rabbit.internal:5672//'
# ok: hardcoded-info.url-embedded-credentials
DEFAULT_URL = 'amqp://guest:guest@rabbit.internal:5672//'
# ok: hardcoded-info.url-embedded-credentials
SAME_AS_USER = 'amqp://svc9:svc9@rabbit.internal:5672//'
# ok: hardcoded-info.url-embedded-credentials
DEVSTACK_DB = 'mysql+pymysql://root:stack@db.internal/glance'
# ok: hardcoded-info.url-embedded-credentials
DOC_URL = 'https://user:S3cret99@api.example.com/v1'


def trust_actions(url):
    # ok: hardcoded-info.hardcoded-password-string
    return url.password == 'delete'  # noqa: S105


# ok: hardcoded-info.hardcoded-password-default
def parse_ssl(factory, port, private_key="server.pem", password_file="pw.txt"):
    return factory, port, private_key, password_file


# ok: hardcoded-info.hardcoded-password-default
def ftp_login(username="anonymous", password="guest@example.org"):
    return username, password


# ok: hardcoded-info.hardcoded-password-default
def anon_login(username="anonymous", password="anon1@ftp.net"):
    return username, password


def should_mask(conf):
    # ok: hardcoded-info.hardcoded-password-string
    return conf.mask_secrets == 'always'


def udp_client_socket():
    import socket

    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    # ok: hardcoded-info.bind-all-interfaces
    s.bind(('', 0))
    return s


# A `# nosec` / `# noqa: S1xx` marker on any line of the multi-line statement that holds the
# literal marks it as reviewed, the first line of the call or literal included.
class ForwarderApp(object):
    def settings(self):
        settings = dict(  # nosec B106
            debug=False,
            # ok: hardcoded-info.hardcoded-password-kwarg
            cookie_secret="12oETzKXQAGaYdkL5gEmGeJJFuYh7EQnp2XdTP1o/Vo=",
            xsrf_cookies=False,
        )
        return settings

    def connect(self, client, host):
        return client.connect(
            host,
            # ok: hardcoded-info.hardcoded-password-kwarg
            password="Xk3v9Qz7Lm2p",
        )  # noqa: S106

    def credentials(self):
        creds = {  # nosec: B105 the appliance's documented factory login
            'username': 'admin',
            # ok: hardcoded-info.hardcoded-password-dict
            'password': 'Xk3v9Qz7Lm2p',
        }
        return creds

    def serve(self, make_server, port, app):
        server = make_server(  # nosec B104 - runs inside the container's network namespace
            # ok: hardcoded-info.bind-all-interfaces
            '0.0.0.0',
            port, app)
        return server

    def unmarked(self):
        reviewed = dict(debug=True)  # nosec B201
        settings = dict(
            debug=False,
            # ruleid: hardcoded-info.hardcoded-password-kwarg
            cookie_secret="12oETzKXQAGaYdkL5gEmGeJJFuYh7EQnp2XdTP1o/Vo=",
        )
        return reviewed, settings


# ok: hardcoded-info.hardcoded-password-default
def appliance_login(host,
                    password="Xk3v9Qz7Lm2p",  # noqa: S107
                    ):
    return host, password


# A marker on a statement of the body is about that statement, not the default.
# ruleid: hardcoded-info.hardcoded-password-default
def appliance_login2(host, password="Xk3v9Qz7Lm2p"):
    url = "http://%s/login" % host  # nosec B310
    return url, password
