"""Semgrep test cases for the sensitive-logging rules (written for reviewbot)."""
import logging
import os

from oslo_config import cfg
from oslo_utils import strutils

CONF = cfg.CONF
LOG = logging.getLogger(__name__)


class ArrayClient(object):
    def __init__(self, conf, logger):
        self.configuration = conf
        self.logger = logger
        self.log = logger
        self.api_key = conf.api_key
        self.auth_token = None

    def login(self, username, password, token, credentials, private_key):
        # ruleid: sensitive-logging.secret-value-logged
        LOG.debug("Logging in as %s with %s", username, password)
        # ruleid: sensitive-logging.secret-value-logged
        LOG.info("Setting chap creds to %(user)s : %(pass)s",
                 {'user': username, 'pass': password})
        # ruleid: sensitive-logging.secret-value-logged
        self.logger.warning("token is %s" % token)
        # ruleid: sensitive-logging.secret-value-logged
        self.log.error(f"using san password {self.configuration.san_password}")
        # ruleid: sensitive-logging.secret-value-logged
        logging.info("api key {}".format(self.api_key))
        # "credentials" is often an auth context (roles, ids), not a secret
        # ok: sensitive-logging.secret-value-logged
        LOG.exception("failed with credentials " + str(credentials))
        # ok: sensitive-logging.secret-value-logged
        LOG.info("CREATE BACKEND %s TOKEN %s", self.url, self.db_token)
        # ok: sensitive-logging.secret-value-logged
        LOG.info("Complete lifecycle for %s.", self.lifecycle_action_token)
        # ruleid: sensitive-logging.secret-value-logged
        LOG.debug("got %s", self.keystone_token)
        # ok: sensitive-logging.secret-value-logged
        LOG.warning("check %(p)s", dict(p=self.path_to_private_key))
        # ruleid: sensitive-logging.secret-value-logged
        LOG.debug("auth_token=%s", self.auth_token)
        # ruleid: sensitive-logging.secret-value-logged
        LOG.debug("key: %(k)s", dict(k=private_key))
        # ruleid: sensitive-logging.secret-value-logged
        LOG.debug("password %s and token %s", password, token)
        # ruleid: sensitive-logging.secret-value-logged
        self.logger.debug('User: %s uses token %s (trans_id %s)' %
                          (username, 's3' if self.s3 else token, 'tx1'))
        # ruleid: sensitive-logging.secret-value-logged
        LOG.debug("generated chap secret: %(secret)s",
                  {'secret': self._chap_secret})
        # ruleid: sensitive-logging.secret-value-logged
        LOG.info("changing password to %s", new_password)
        # ruleid: sensitive-logging.secret-value-logged
        LOG.debug("issued reset token %s", self.reset_token)
        # Constants name a token file or a header; a prefix or a mask is not the secret.
        # ok: sensitive-logging.secret-value-logged
        LOG.debug("saving token to %s", CliOptions.APITOKEN)
        # ok: sensitive-logging.secret-value-logged
        LOG.debug("header %s", AUTH_TOKEN)
        # ok: sensitive-logging.secret-value-logged
        LOG.debug("token %s...", token[:8])
        # ok: sensitive-logging.secret-value-logged
        LOG.debug("masking: %s", mask_password)
        # ok: sensitive-logging.secret-value-logged
        LOG.debug("stored %s", self.hashed_password)
        # ok: sensitive-logging.secret-value-logged
        LOG.debug("request %s", sanitized_token)

        # A string literal naming an operation is not a secret.
        # ok: sensitive-logging.secret-value-logged
        LOG.error('set_admin_password failed')
        # ok: sensitive-logging.secret-value-logged
        LOG.warning("Token refresh failed. Sleeping for %d seconds.", 5)
        # Identifiers, types, names, paths, lengths and flags are not secrets.
        # ok: sensitive-logging.secret-value-logged
        LOG.debug("Unrecognised secret id: %s", secret_id)
        # ok: sensitive-logging.secret-value-logged
        LOG.debug("secret %s", self.secret_uuid)
        # ok: sensitive-logging.secret-value-logged
        LOG.debug("token type %s, name %s", token_type, token_name)
        # ok: sensitive-logging.secret-value-logged
        LOG.debug("reading %s (%d)", password_file, password_len)
        # ok: sensitive-logging.secret-value-logged
        LOG.debug("expired=%s valid=%s", password_expired, token_valid)
        # ok: sensitive-logging.secret-value-logged
        LOG.debug("is secret: %s", is_secret)
        # ok: sensitive-logging.secret-value-logged
        LOG.debug("listing from marker %s", next_token)
        # ok: sensitive-logging.secret-value-logged
        LOG.warning("Hosts with credentials are: %(h)s",
                    {'h': hosts_with_credentials})
        # Masked values are fine.
        # ok: sensitive-logging.secret-value-logged
        LOG.debug("login with %s", strutils.mask_password(password))
        # ok: sensitive-logging.secret-value-logged
        LOG.debug("creds %s", strutils.mask_dict_password(credentials))
        # ok: sensitive-logging.secret-value-logged
        LOG.debug("password length %d", len(password))
        # ok: sensitive-logging.secret-value-logged
        self.log.debug('Password: %s', '***')
        # Not a logger.
        # ok: sensitive-logging.secret-value-logged
        self.session.post(url, password)

    def send(self, body, conf, req, env, resp, target):
        # ruleid: sensitive-logging.secret-key-logged
        LOG.debug("auth body password: %s", body['auth']['password'])
        # ruleid: sensitive-logging.secret-key-logged
        LOG.info("using %(t)s", {'t': conf.get('admin_token')})
        # ruleid: sensitive-logging.secret-key-logged
        self.logger.debug("chap secret %s" % self.chap['chap_secret'])
        # ok: sensitive-logging.secret-key-logged
        LOG.debug("user %s", body['auth']['username'])
        # ok: sensitive-logging.secret-key-logged
        LOG.debug("secret ref %s", body['secret_ref'])
        # ok: sensitive-logging.secret-key-logged
        LOG.debug("password expires %s", body['password_expires_at'])
        # ok: sensitive-logging.secret-key-logged
        LOG.debug("masked body %s", strutils.mask_dict_password(body))
        # ruleid: sensitive-logging.secret-key-logged
        LOG.debug("oauth reply %s", resp['access_token'])
        # Keystone's token *data* (user, roles, expiry) and a policy credentials dict are not secrets.
        # ok: sensitive-logging.secret-key-logged
        LOG.debug("token data %s", body['token'])
        # ok: sensitive-logging.secret-key-logged
        LOG.debug("policy creds %s", target['credentials'])

        # ruleid: sensitive-logging.auth-header-logged
        self.logger.debug("token %s", req.headers['X-Auth-Token'])
        # ruleid: sensitive-logging.auth-header-logged
        LOG.debug("auth header %s", req.headers.get('Authorization'))
        # ruleid: sensitive-logging.auth-header-logged
        LOG.debug("env token %s" % env['HTTP_X_AUTH_TOKEN'])
        # ok: sensitive-logging.auth-header-logged
        LOG.debug("trans id %s", req.headers.get('X-Trans-Id'))
        # ok: sensitive-logging.auth-header-logged
        LOG.debug("has token: %s", 'X-Auth-Token' in req.headers)
        # ok: sensitive-logging.secret-key-logged
        LOG.debug("has token: %s", 'X-Auth-Token' in req.headers)

    def initialize_connection(self, volume, connector):
        connection_info = self.driver.initialize_connection(volume, connector)
        iscsi_properties = connection_info['data']
        # ruleid: sensitive-logging.connection-info-logged
        LOG.debug("connection info: %s", strutils.mask_password(connection_info))
        LOG.debug("props: %(props)s, volume %(vol)s",
                  # ruleid: sensitive-logging.connection-info-logged
                  {'props': strutils.mask_password(iscsi_properties), 'vol': volume.id})
        # ruleid: sensitive-logging.connection-info-logged
        self.logger.info("initialize_connection - conn_info=%s" % strutils.mask_password(conn_info))
        # ruleid: sensitive-logging.connection-info-logged
        LOG.debug("data %s", strutils.mask_password(connection_info['data']))
        # ok: sensitive-logging.connection-info-logged
        LOG.debug("connection info: %s",
                  strutils.mask_dict_password(connection_info))
        # ok: sensitive-logging.connection-info-logged
        LOG.debug("props %s", strutils.mask_password(iscsi_properties))
        # ok: sensitive-logging.connection-info-logged
        LOG.debug("volume %s", connection_info['data']['volume_id'])
        # ok: sensitive-logging.connection-info-logged
        LOG.debug("connector %s", connector)
        return connection_info

    def initialize_connection_fc(self, volume, connector):
        # Built here from a literal without credentials: nothing to leak.
        conn_info = {'driver_volume_type': 'fibre_channel',
                     'data': {'target_wwn': ['50014380186b3f65']}}
        # ok: sensitive-logging.connection-info-logged
        LOG.debug("FC conn_info: %s", conn_info)
        return conn_info

    def initialize_connection_chap(self, volume, connector):
        iscsi_properties = {'target_iqn': volume.iqn, 'target_lun': 0}
        iscsi_properties['auth_password'] = self._chap_secret
        # Known false negative: dicts built from a literal in the same function are skipped.
        # todoruleid: sensitive-logging.connection-info-logged
        LOG.debug("iSCSI properties: %s", iscsi_properties)
        return iscsi_properties

    def connect_db(self, transport_url, url):
        # ruleid: sensitive-logging.credential-url-logged
        LOG.info("Connecting to database %s", CONF.database.connection)
        # ruleid: sensitive-logging.credential-url-logged
        LOG.debug("Using transport %s", transport_url)
        # ruleid: sensitive-logging.credential-url-logged
        LOG.debug("dsn=%(dsn)s", {'dsn': self.dsn})
        # ok: sensitive-logging.credential-url-logged
        LOG.debug("Connecting to %s", url)
        # ok: sensitive-logging.credential-url-logged
        LOG.debug("transport url is not set")

    def dump(self, name, size):
        # only the named values are formatted, none of them secret
        # ok: sensitive-logging.locals-logged
        LOG.debug("creating %(name)s of %(size)s", locals())
        # ok: sensitive-logging.locals-logged
        LOG.debug("state: %(host)s %(port)s" % self.__dict__)
        # ok: sensitive-logging.locals-logged
        self.logger.info("{name} {size}".format(**locals()))
        # ruleid: sensitive-logging.locals-logged
        LOG.debug("login %(user)s with %(password)s", locals())
        # ok: sensitive-logging.locals-logged
        LOG.error(_LE("Failed to start %(name)s on %(_host)s:%(_port)s"), self.__dict__)
        # ruleid: sensitive-logging.locals-logged
        LOG.error(_LE("Failed to log in as %(user)s with %(password)s"), self.__dict__)
        # ruleid: sensitive-logging.locals-logged
        LOG.debug("state: %s" % self.__dict__)
        # ruleid: sensitive-logging.locals-logged
        LOG.debug("state: %s", vars(self))
        # ruleid: sensitive-logging.locals-logged
        self.logger.info("{conn} {auth_token}".format(**locals()))
        # ok: sensitive-logging.locals-logged
        LOG.debug("creating %(name)s of %(size)s", {'name': name, 'size': size})


def main(password, token, user_token_id, opts, client):
    # ruleid: sensitive-logging.secret-printed
    print("token:", token)
    # ruleid: sensitive-logging.secret-printed
    print("    token       = %s" % client.auth_token)
    # A CLI showing the password it generated (or was asked for) does so on purpose.
    # ok: sensitive-logging.secret-printed
    print("User:\t\t%s\nPassword:\t%s" % ('root', password))
    # A constant holding the token file's path.
    # ok: sensitive-logging.secret-printed
    print("Token acquired! Saving to %s..." % opts.APITOKEN)
    # ok: sensitive-logging.secret-printed
    print("token id:", user_token_id)
    # ok: sensitive-logging.secret-printed
    print("password: %s" % strutils.mask_password(password))
    # ok: sensitive-logging.secret-printed
    print("Enter the admin password")


def configure_ovn_ssl(LOG, CONF):
    # ok: sensitive-logging.secret-value-logged
    LOG.debug("Configured OVN SSL private key: %s", CONF.ovn.ovn_sb_private_key)


# Paths to key and credential files are not secrets.
class KeyFiles(object):
    def log_paths(self, ssh_key_file, key_filename, cert_file, keyfile, password_file,
                  token_file, token_path, private_key_file):
        # ok: sensitive-logging.secret-value-logged
        LOG.debug("ssh key %s, key %s", ssh_key_file, key_filename)
        # ok: sensitive-logging.secret-value-logged
        LOG.info("cert %s key %s", cert_file, keyfile)
        # ok: sensitive-logging.secret-value-logged
        LOG.info("password from %s, token from %s or %s",
                 password_file, token_file, token_path)
        # ok: sensitive-logging.secret-value-logged
        LOG.debug("private key file %s, path %s", private_key_file, self.private_key_path)
        # ok: sensitive-logging.secret-value-logged
        LOG.debug("ssl key %s", self.conf.ssl_keyfile)
        # ok: sensitive-logging.secret-key-logged
        LOG.debug("key file %s", self.options['private_key_file'])
        # ok: sensitive-logging.secret-key-logged
        LOG.debug("token file %s", self.options.get('token_path'))
        # ok: sensitive-logging.secret-printed
        print("token saved to", token_file)

    def log_options(self, conf):
        # Options named like a private key hold the key file's path, however CONF is spelled.
        # ok: sensitive-logging.secret-value-logged
        LOG.debug("SSH key: %s", cfg.CONF.ssh.private_key)
        # ok: sensitive-logging.secret-value-logged
        LOG.debug("SSH key: %s", self.conf.agent_privkey)
        # ok: sensitive-logging.secret-value-logged
        LOG.debug("SSH key: %s", CONF.ssh_private_key)
        # ok: sensitive-logging.secret-printed
        print("key:", CONF.ssh.private_key)
        # ruleid: sensitive-logging.secret-value-logged
        LOG.debug("admin token %s", CONF.keystone.admin_token)
        # ruleid: sensitive-logging.secret-value-logged
        LOG.debug("db password %s", CONF.database.db_password)

    def log_named_paths(self, private_key, key):
        # The message names the value as a path.
        # ok: sensitive-logging.secret-value-logged
        LOG.debug("loading %(key_file)s", {'key_file': private_key})
        # ok: sensitive-logging.secret-value-logged
        LOG.debug("loading %(p)s", dict(key_path=self.private_key))
        # ok: sensitive-logging.secret-value-logged
        LOG.debug("loading {key_file}".format(key_file=private_key))

    def verify_auth(self):
        privkey = getattr(self, "privkey", "")
        if privkey and not os.path.isfile(privkey):
            # Used as a path in this function: the key's location.
            # ok: sensitive-logging.secret-value-logged
            LOG.error("SSH privkey %s not found", privkey)

    def read_key(self, private_key):
        with open(private_key) as f:
            data = f.read()
        # ok: sensitive-logging.secret-value-logged
        LOG.debug("read private key %s", private_key)
        return data

    def connect(self, client, host, private_key):
        # ok: sensitive-logging.secret-value-logged
        LOG.debug("connecting with private key %s", private_key)
        client.connect(host, key_filename=private_key)

    def check_key(self, body):
        if not os.path.exists(body['private_key']):
            # ok: sensitive-logging.secret-key-logged
            LOG.warning("no key at %s", body['private_key'])

    def store_key(self, key_path, private_key, session, url, password):
        # Content written to a file, or a password sent by keyword, is still the secret.
        write_file(key_path, private_key)
        # ruleid: sensitive-logging.secret-value-logged
        LOG.debug("stored private key %s", private_key)
        session.post(url, password=password)
        # ruleid: sensitive-logging.secret-value-logged
        LOG.debug("posted password %s", password)
        # ruleid: sensitive-logging.secret-printed
        print("private key:", private_key)
        # ruleid: sensitive-logging.secret-value-logged
        LOG.debug("loading %(key)s", {'key': private_key})


# --- numeric placeholders: a secret-named value printed as a number is an id or a code -----------

class ProtocolParser(object):
    def __init__(self, ident):
        self._ident = ident
        self.api_key = None

    def handle(self, header, request, token, password, nbytes, payload):
        # ok: sensitive-logging.secret-value-logged
        LOG.error('Unable to find ResponseType for api=%d version=%d',
                  header.api_key, header.api_version)
        # ok: sensitive-logging.secret-value-logged
        LOG.debug('%s sending api %d (%s)', self._ident, header.api_key, request)
        # ok: sensitive-logging.secret-value-logged
        LOG.warning('unknown api %i v%x' % (header.api_key, header.api_version))
        # ok: sensitive-logging.secret-value-logged
        LOG.info(_('token number %d') % token)
        # ok: sensitive-logging.secret-value-logged
        LOG.info('api {:d} version {}'.format(self.api_key, header.api_version))
        # ok: sensitive-logging.secret-value-logged
        LOG.info('version {1} api {0:d}'.format(self.api_key, header.api_version))
        # ok: sensitive-logging.secret-value-logged
        LOG.info(f'api {self.api_key:d} version {header.api_version}')
        # ok: sensitive-logging.secret-value-logged
        LOG.debug('api %(api)d version %(version)d',
                  {'api': header.api_key, 'version': header.api_version})
        # ok: sensitive-logging.secret-value-logged
        LOG.debug('api {api:x}'.format(api=self.api_key))
        # ok: sensitive-logging.secret-key-logged
        LOG.debug('api %d for %s', payload['api_key'], self._ident)
        # ok: sensitive-logging.secret-value-logged
        LOG.debug('%s: request %s (%s) api %d', self._ident, request, nbytes, header.api_key)
        # ok: sensitive-logging.secret-value-logged
        LOG.debug('%s: api %d' % (self._ident, header.api_key))
        # ok: sensitive-logging.secret-value-logged
        LOG.debug('{}: api {:d}'.format(self._ident, header.api_key))
        # A string placeholder still prints the secret, and one numeric placeholder does not
        # excuse another secret-named value in the same call.
        # ruleid: sensitive-logging.secret-value-logged
        LOG.debug('api %s', header.api_key)
        # ruleid: sensitive-logging.secret-value-logged
        LOG.debug('api %r' % (header.api_key,))
        # ruleid: sensitive-logging.secret-value-logged
        LOG.debug('api {}'.format(self.api_key))
        # ruleid: sensitive-logging.secret-value-logged
        LOG.debug('api {0:d} {0}'.format(self.api_key))
        # ruleid: sensitive-logging.secret-value-logged
        LOG.debug('api %d password %s', header.api_key, password)
        # ruleid: sensitive-logging.secret-value-logged
        LOG.debug('password %s api %d', password, header.api_key)
        # ruleid: sensitive-logging.secret-value-logged
        LOG.debug('api %(api)d password %(pw)s',
                  {'api': header.api_key, 'pw': password})
        # ruleid: sensitive-logging.secret-value-logged
        LOG.debug('%d bytes, token %s', nbytes, token)
        # ruleid: sensitive-logging.secret-key-logged
        LOG.debug('api %s', payload['api_key'])
        # ok: sensitive-logging.secret-printed
        print('api %d' % self.api_key)
        # ruleid: sensitive-logging.secret-printed
        print('api %s' % self.api_key)


def reconnect(self):
    # a websocket endpoint, no credentials in it
    # ok: sensitive-logging.credential-url-logged
    LOG.debug("reconnecting using %s", self.connection_url)
