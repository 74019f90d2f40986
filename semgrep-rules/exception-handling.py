# Test cases for semgrep-rules/exception-handling.yaml (written for reviewbot).
import logging
import os

import requests
from oslo_utils import excutils

LOG = logging.getLogger(__name__)


class BackendError(Exception):
    pass


def bare_except_logged(client, vol):
    try:
        client.extend(vol)
    # ruleid: exception-handling.bare-except
    except:
        LOG.exception("extend failed for %s", vol)
        return False
    return True


def bare_except_cleanup_then_reraise(client, vol):
    try:
        client.attach(vol)
    # ok: exception-handling.bare-except
    except:
        client.detach(vol)
        raise


def bare_except_save_and_reraise(client, vol):
    try:
        client.attach(vol)
    # ok: exception-handling.bare-except
    except:
        with excutils.save_and_reraise_exception():
            client.detach(vol)


def bare_except_documented(app, env):
    try:
        return app(env)
    # ok: exception-handling.bare-except
    except:  # noqa: eventlet Timeout derives from BaseException
        LOG.exception("pipeline error")
        return None


def broad_except_pass(client, array):
    tags = None
    try:
        tags = client.get_tags(array)
        tags = sorted(tags)
    # ruleid: exception-handling.swallowed-broad-except
    except Exception:
        pass
    return tags


def bare_except_pass(path):
    try:
        data = open(path).read()
        return data.strip()
    # ruleid: exception-handling.swallowed-broad-except
    except:
        pass


def base_exception_pass(proc):
    try:
        proc.send_signal(15)
        proc.poll()
    # ruleid: exception-handling.swallowed-broad-except
    except BaseException as err:
        pass


def specific_except_pass(path):
    try:
        os.makedirs(path)
    # ok: exception-handling.swallowed-broad-except
    except FileExistsError:
        pass


def best_effort_close(conn):
    try:
        conn.close()
    # ok: exception-handling.swallowed-broad-except
    except Exception:
        pass


def best_effort_disconnect(connector, info):
    if connector:
        try:
            if info:
                connector.disconnect_volume(info, info)
        # ok: exception-handling.swallowed-broad-except
        except Exception:
            pass


def documented_swallow(target, obj):
    # The attribute may be lazy-loaded and missing: ignore it.
    try:
        target['project_id'] = obj.project_id
    # ok: exception-handling.swallowed-broad-except
    except Exception:
        pass


def commented_handler(target, obj):
    try:
        target['user_id'] = obj.user_id
    # ok: exception-handling.swallowed-broad-except
    except Exception:  # not every object has a user
        pass


def broad_except_continue(files):
    found = []
    for name in files:
        try:
            with open(name) as fh:
                found.append(fh.readline())
        # ruleid: exception-handling.swallowed-broad-except-continue
        except Exception:
            continue
    return found


def base_exception_continue(paths, visitor):
    for path in paths:
        try:
            return visitor.visit(path)
        # ruleid: exception-handling.swallowed-broad-except-continue
        except BaseException:
            continue


def specific_continue(values):
    out = []
    for v in values:
        try:
            out.append(int(v))
        # ok: exception-handling.swallowed-broad-except-continue
        except ValueError:
            continue
    return out


def logged_continue(items, worker):
    for item in items:
        try:
            worker.run(item)
        # ok: exception-handling.swallowed-broad-except-continue
        except Exception:
            LOG.warning("skipping %s", item, exc_info=True)
            continue


def log_error_no_details(client):
    try:
        result = client.get_migration_tasks()
    except Exception:
        # ruleid: exception-handling.broad-except-logged-without-traceback
        LOG.error("Get LUN migration error.")
        return False
    return result


def log_error_exception_unused(client, vol_name):
    try:
        client.delete_volume_set(vol_name)
    except Exception as ex:
        # ruleid: exception-handling.broad-except-logged-without-traceback
        LOG.error("Unexpected error deleting volume set %s",
                  vol_name)


def log_error_with_exception(client, vol_name):
    try:
        client.delete_volume_set(vol_name)
    except Exception as ex:
        # ok: exception-handling.broad-except-logged-without-traceback
        LOG.error("Failed deleting volume set %s: %s", vol_name, ex)


def log_exception_used(client):
    try:
        client.refresh()
    except Exception:
        # ok: exception-handling.broad-except-logged-without-traceback
        LOG.exception("refresh failed")


def log_error_exc_info(client):
    try:
        client.refresh()
    except Exception:
        # ok: exception-handling.broad-except-logged-without-traceback
        LOG.error("refresh failed", exc_info=True)


def log_error_then_reraise(client):
    try:
        client.refresh()
    except Exception:
        # ok: exception-handling.broad-except-logged-without-traceback
        LOG.error("refresh failed")
        raise


def log_error_in_save_and_reraise(client):
    try:
        client.refresh()
    except Exception:
        with excutils.save_and_reraise_exception():
            # ok: exception-handling.broad-except-logged-without-traceback
            LOG.error("refresh failed")


def log_error_specific(path):
    try:
        os.unlink(path)
    except OSError:
        # ok: exception-handling.broad-except-logged-without-traceback
        LOG.error("could not remove %s", path)


def log_error_in_try_body(client):
    try:
        # ok: exception-handling.broad-except-logged-without-traceback
        LOG.error("about to refresh")
        client.refresh()
    except Exception:
        LOG.exception("refresh failed")


def convert_error_without_cause(client, vol):
    try:
        client.map_volume(vol)
    except Exception as ex:
        # (raise without `from`: not reported)
        raise BackendError("mapping %s failed" % vol)


def convert_error_from(client, vol):
    try:
        client.map_volume(vol)
    except Exception as ex:
        # (raise without `from`: not reported)
        raise BackendError("mapping %s failed" % vol) from ex


def convert_error_with_message(client, vol):
    try:
        client.map_volume(vol)
    except Exception as ex:
        # (raise without `from`: not reported)
        raise BackendError("mapping %s failed: %s" % (vol, ex))


def convert_logged_error(client, vol):
    try:
        client.map_volume(vol)
    except Exception as ex:
        LOG.warning("mapping failed: %s", ex)
        # (raise without `from`: not reported)
        raise BackendError("mapping %s failed" % vol)


def convert_specific_error(path):
    try:
        return os.stat(path)
    except OSError as err:
        # (raise without `from`: not reported)
        raise FileNotFoundError(path)


def convert_in_save_and_reraise(client, vol):
    try:
        client.map_volume(vol)
    except Exception as ex:
        with excutils.save_and_reraise_exception() as ctxt:
            ctxt.reraise = False
            # (raise without `from`: not reported)
            raise BackendError("mapping %s failed" % vol)


def convert_http_error(url):
    try:
        return requests.get(url, timeout=10).json()
    except Exception as ex:
        # (raise without `from`: not reported)
        raise BackendError("API call failed")


def unwind(exits, exc, sys):
    while exits:
        handler = exits.pop()
        try:
            if handler(*exc):
                exc = (None, None, None)
        # ok: exception-handling.bare-except
        except:
            exc = sys.exc_info()
    return exc


async def teardown(writer, protocol, exc):
    writer.close()
    try:
        await writer.wait_closed()
    # ok: exception-handling.swallowed-broad-except
    except Exception:
        pass
    try:
        protocol.connection_lost(exc)
    # ok: exception-handling.swallowed-broad-except
    except Exception:
        pass


def emit(handler, record):
    try:
        handler.send(record)
    except (KeyboardInterrupt, SystemExit):
        raise
    # ok: exception-handling.bare-except
    except:
        handler.handleError(record)
