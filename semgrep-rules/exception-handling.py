# Test cases for semgrep-rules/exception-handling.yaml (written for reviewbot).
import atexit
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
    # ruleid: exception-handling.bare-except
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


# --- best-effort code a reviewer waves through (swallowed-* rules) ---------------------------------


class Channel:
    async def drain_and_close(self):
        try:
            self._writer.close()
            await self._writer.wait_closed()
        # ok: exception-handling.swallowed-broad-except
        except Exception:
            pass
        self._writer = None

    def go_away(self, error_code):
        if self._too_many_resets():
            try:
                self.h2_conn.close_connection(error_code=error_code)
                self._send_pending_data()
            # ok: exception-handling.swallowed-broad-except
            except Exception:
                pass
            self._abort_all_streams()

    def refresh(self, raw):
        try:
            self.sock.close()
        # ok: exception-handling.swallowed-broad-except
        except Exception:
            pass
        try:
            self.count = int(raw)
            self.ready = True
        # ruleid: exception-handling.broad-except-hides-expected-error
        except Exception:
            pass

    def __del__(self):
        if not self.closed:
            try:
                self._flush_buffers()
                self._report_leak()
            # ok: exception-handling.swallowed-broad-except
            except Exception:
                pass

    def __repr__(self):
        name = "?"
        try:
            name = self.describe()
        # ok: exception-handling.swallowed-broad-except
        except Exception:
            pass
        return "<Channel %s>" % name

    def __exit__(self, exc_type, exc, tb):
        try:
            self.session.commit_pending()
        # ok: exception-handling.swallowed-broad-except
        except BaseException:
            pass

    def cleanup_stream(self, stream_id):
        try:
            stream = self.streams.pop(stream_id)
            stream.reset()
        # ok: exception-handling.swallowed-broad-except
        except Exception:
            pass

    def connection_lost(self, exc):
        try:
            self.transport = None
            self.app.notify_disconnected(self)
        # ok: exception-handling.swallowed-broad-except
        except Exception:
            pass


def remove_pidfile(path):
    try:
        if os.path.exists(path):
            os.unlink(path)
    # ok: exception-handling.swallowed-broad-except
    except Exception:
        pass


def debug_details(obj, shown):
    for key in dir(obj):
        try:
            shown.append((key, repr(getattr(obj, key))))
        # ok: exception-handling.swallowed-broad-except
        except Exception:
            pass


def call_named(obj, name, arg):
    try:
        getattr(obj, name)(arg)
    # ruleid: exception-handling.swallowed-broad-except
    except Exception:
        pass


def warn_unclosed(warnings, it):
    try:
        warnings.warn("iterator was not closed", ResourceWarning, stacklevel=2)
    # ok: exception-handling.swallowed-broad-except
    except Exception:
        pass


def save_history(readline, history_file):
    try:
        readline.write_history_file(history_file)
    # ok: exception-handling.swallowed-broad-except
    except Exception:
        pass


try:
    import readline
# ok: exception-handling.swallowed-broad-except
except Exception:
    pass


def deprecated(new_func, warnings):
    def replacement(*args, **kw):
        warnings.warn("moved", DeprecationWarning, 2)
        return new_func(*args, **kw)
    try:
        replacement.__name__ = new_func.__name__
    # ok: exception-handling.swallowed-broad-except
    except Exception:
        pass
    return replacement


class Collector:
    def collect_line(self, tb, extra_data):
        data = {}
        try:
            info = tb.tb_frame.f_locals.get("__traceback_info__")
            data["traceback_info"] = str(info)
        # ok: exception-handling.swallowed-broad-except
        except Exception:
            pass
        return data


def _on_sigterm(signum, frame):
    try:
        STATE.save()
        LOG.info("state saved on SIGTERM")
    # ok: exception-handling.swallowed-broad-except
    except Exception:
        pass


@atexit.register
def _goodbye():
    try:
        STATE.save()
    # ok: exception-handling.swallowed-broad-except
    except Exception:
        pass


async def serve_one(self, req, conn):
    try:
        await self.handle(req)
    except Exception as e:
        self.log.exception("Error handling request")
        try:
            await conn.send_error(req.stream_id, 500, str(e))
        # ok: exception-handling.swallowed-broad-except
        except Exception:
            pass
    finally:
        conn.cleanup_stream(req.stream_id)


def start_container(self, uuid):
    try:
        self._start(uuid)
    except Exception as e:
        try:
            self._delete_container_file(uuid)
        # ok: exception-handling.swallowed-broad-except
        except Exception:
            pass
        raise e


def interactive(client, history_file, readline):
    try:
        return client.loop()
    finally:
        try:
            client.save_session(history_file)
            client.prune_sessions()
        # ok: exception-handling.swallowed-broad-except
        except Exception:
            pass


def rate_limited(self):
    try:
        self.notify_peer(GOAWAY)
    # ok: exception-handling.swallowed-broad-except
    except Exception:
        pass
    raise ProtocolError("rate exceeded")


def parse_options(raw, json, ast):
    try:
        value = json.loads(raw)
    except ValueError:
        value = None
        try:
            value = ast.literal_eval(raw)
        # ruleid: exception-handling.broad-except-hides-expected-error
        except Exception:
            pass
    return value


def load_all(client, items):
    try:
        data = client.fetch()
        for item in items:
            try:
                item.close()
            # ok: exception-handling.swallowed-broad-except
            except Exception:
                pass
    # ruleid: exception-handling.swallowed-broad-except
    except Exception:
        pass
    return data


def convert(raw, process):
    try:
        try:
            value = int(raw)
        # ruleid: exception-handling.broad-except-hides-expected-error
        except Exception:
            pass
        process(value)
    except Exception:
        LOG.exception("processing failed")


def lookup_tags(client, array):
    tags = None
    try:
        tags = client.get_tags(array)
    # ruleid: exception-handling.swallowed-broad-except
    except Exception:
        pass
    else:
        tags = sorted(tags)
    return tags


def invalidate(cache, key):
    try:
        cache.delete(key)
        cache.reload()
    # ruleid: exception-handling.swallowed-broad-except
    except Exception:
        pass


def kill_all(procs):
    for proc in procs:
        try:
            proc.kill()
            proc.wait()
        # ok: exception-handling.swallowed-broad-except-continue
        except Exception:
            continue


def shutdown_workers(workers):
    for worker in workers:
        try:
            worker.drain()
            worker.report()
        # ok: exception-handling.swallowed-broad-except-continue
        except Exception:
            continue


def parse_all(lines, out):
    for line in lines:
        try:
            out.append(int(line))
        # ruleid: exception-handling.swallowed-broad-except-continue
        except Exception:
            continue


# --- bare except: optional imports and forked children ------------------------------------------

try:
    from thrift.protocol import fastbinary
# ok: exception-handling.bare-except
except:
    fastbinary = None


def run_cgi(self, scriptfile, args, env):
    pid = os.fork()
    if pid == 0:
        try:
            try:
                os.setuid(65534)
            except OSError:
                pass
            os.execve(scriptfile, args, env)
        # ok: exception-handling.bare-except
        except:
            self.server.handle_error(self.request)
            os._exit(127)
    try:
        code = int(env.get("CODE"))
    # ruleid: exception-handling.bare-except
    except:
        code = 0
    return code


# --- logged without traceback: a failed log call, the error kept in a message ---------------------

def log_fallback(message, kwargs):
    try:
        LOG.error(message % kwargs)
    except Exception:
        # ok: exception-handling.broad-except-logged-without-traceback
        LOG.error(message)


def demote(old_master, errors):
    try:
        old_master.demote()
    except Exception as ex:
        # ok: exception-handling.broad-except-logged-without-traceback
        LOG.error("demoting %s failed", old_master.id)
        errors += "%s (%s)\n" % (old_master.id, ex)
    return errors


def copy_lazy_attributes(target, obj):
    # Either attribute may be lazy-loaded and missing: ignore it.
    try:
        target['project_id'] = obj.project_id
    # ok: exception-handling.swallowed-broad-except
    except Exception:
        pass
    try:
        target['user_id'] = obj.user_id
    # ok: exception-handling.swallowed-broad-except
    except Exception:
        pass

    try:
        target['domain_id'] = obj.domain_id
    # ruleid: exception-handling.swallowed-broad-except
    except Exception:
        pass


class Driver(Base):
    def delete(self, vol, retype):
        try:
            if not retype:
                super().delete_volume(vol)
        # ok: exception-handling.swallowed-broad-except
        except Exception:
            pass


def load_config(path, parse, fallback):
    cfg = None
    try:
        cfg = parse(path)
    except Exception:
        LOG.warning("cannot parse %s, using the fallback", path)
        try:
            cfg = fallback.load()
        # ruleid: exception-handling.swallowed-broad-except
        except Exception:
            pass
    return cfg


def retry_until_ready(probe, attempts):
    import time

    ready = None
    for _ in range(attempts):
        try:
            ready = probe()
        # ok: exception-handling.swallowed-broad-except
        except Exception:
            pass
        if ready:
            break
        time.sleep(1)
    return ready


def first_readable(paths, read):
    for path in paths:
        try:
            return read(path)
        # ruleid: exception-handling.swallowed-broad-except
        except Exception:
            pass
    return None


# --- try each candidate: the failure surfaces when the candidates run out (swallowed-*) ----------

def connect_any(addresses, port, make_socket, connect):
    for address in addresses:
        if port:
            source = None
        try:
            sock = make_socket(source)
            connect(sock, (address, port))
            return sock
        # ok: exception-handling.swallowed-broad-except
        except Exception:
            pass
    raise ConnectionError("no address reachable")


async def connect_any_async(addresses, port, connect_tcp, fail_after):
    for address in addresses:
        try:
            with fail_after(2.0):
                stream = await connect_tcp(remote_host=address, remote_port=port)
            return stream
        # ok: exception-handling.swallowed-broad-except
        except Exception:
            pass
    raise ConnectError


def first_answering(servers, probe):
    for server in servers:
        try:
            probe(server)
            break
        # ok: exception-handling.swallowed-broad-except
        except Exception:
            pass
    else:
        raise LookupError("no server answered")
    return server


def load_first_backend(names, load):
    driver = None
    for name in names:
        try:
            driver = load(name)
        # ok: exception-handling.swallowed-broad-except
        except Exception:
            pass
        else:
            break
    if driver is None:
        raise RuntimeError("no backend could be loaded")
    return driver


def open_first(paths, opener):
    for path in paths:
        try:
            handle = opener(path)
        # ok: exception-handling.swallowed-broad-except-continue
        except Exception:
            continue
        return handle
    raise FileNotFoundError(paths)


def first_server(servers, probe):
    for server in servers:
        try:
            probe(server)
        # ok: exception-handling.swallowed-broad-except-continue
        except Exception:
            continue
        break
    else:
        raise LookupError("no server answered")
    return server


def connect_tuned(addresses, connect, tune):
    """A side step swallowed in the same loop is not the attempt: still reported."""
    for address in addresses:
        try:
            tune(address)
        # ruleid: exception-handling.swallowed-broad-except
        except Exception:
            pass
        try:
            return connect(address)
        # ok: exception-handling.swallowed-broad-except
        except Exception:
            pass
    raise ConnectionError("none")


def probe_all(servers, probe):
    """`break` with a plain raise after the loop: the raise runs on success too."""
    for server in servers:
        try:
            probe(server)
            break
        # ruleid: exception-handling.swallowed-broad-except
        except Exception:
            pass
    raise LookupError("raised whatever happened")


def parse_all(items, parse, results):
    """Nothing is returned on success: the loop is not trying candidates."""
    for item in items:
        try:
            value = parse(item)
        # ruleid: exception-handling.swallowed-broad-except-continue
        except Exception:
            continue
        results.append(value)
    raise StopIteration


def fetch_any(urls, fetch):
    for url in urls:
        try:
            return fetch(url)
        # ruleid: exception-handling.swallowed-broad-except-continue
        except Exception:
            continue
    return None


# --- interpret and fall back; logged cleanup; socket tuning, datagrams and logout (swallowed-*) -------

def format_timestamp(raw_value, datetime):
    try:
        return datetime.fromtimestamp(int(raw_value) / 1e7 - 11644473600,
                                      tz=datetime.utc)  # true division
    except (OSError, OverflowError):  # negative timestamps on Windows
        try:
            diff = datetime.timedelta(seconds=int(raw_value))
            return datetime.epoch + diff
        # ruleid: exception-handling.broad-except-hides-expected-error
        except Exception:
            pass
    # ok: exception-handling.swallowed-broad-except
    except Exception:
        pass

    return raw_value


def to_text(value):
    try:
        return value.decode(
            "utf-8",
        )
    # ruleid: exception-handling.bare-except
    except:
        pass
    return str(value)


def port_number(raw):
    port = None
    try:
        port = int(raw)
    # ruleid: exception-handling.broad-except-hides-expected-error
    except Exception:
        pass
    return port


def expiry(params, now):
    expires = params.get("Expires")
    if expires:
        try:
            return int(expires)
        # ruleid: exception-handling.broad-except-hides-expected-error
        except Exception:
            pass
    return now + 3600


class LazyCredentials:
    def get_user(self):
        try:
            return self.user
        # ruleid: exception-handling.swallowed-broad-except
        except BaseException:
            pass
        self._authorize()
        return self.user


def fips_enabled():
    try:
        with open("/proc/sys/crypto/fips_enabled") as f:
            if f.read() == "1\n":
                return True
    # ruleid: exception-handling.swallowed-broad-except
    except Exception:
        pass
    return False


def ensure_dir(path):
    try:
        os.makedirs(path)
    # ruleid: exception-handling.broad-except-hides-expected-error
    except Exception:
        pass
    return path


def delete_image(client, image_id):
    try:
        LOG.debug("deleting image %s", image_id)
        client.images.delete(image_id)
    # ok: exception-handling.swallowed-broad-except
    except Exception:
        pass


def refresh_image(client, image_id):
    try:
        LOG.debug("refreshing image %s", image_id)
        client.images.update(image_id)
    # ruleid: exception-handling.swallowed-broad-except
    except Exception:
        pass


def delete_all(client, images):
    for image in images:
        try:
            LOG.info("deleting %s", image)
            client.images.delete(image)
        # ok: exception-handling.swallowed-broad-except-continue
        except Exception:
            continue


def tune_socket(sock, socket):
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16777216)
    # ok: exception-handling.swallowed-broad-except
    except Exception:
        pass


def send_datagram(sock, packet, addr):
    if hasattr(sock, "fd"):
        sock = sock.fd
    try:
        sock.sendto(packet, addr)
    # ok: exception-handling.swallowed-broad-except
    except Exception:
        pass


def broadcast(sock, packet, peers):
    for peer in peers:
        try:
            sock.sendto(packet, peer)
        # ok: exception-handling.swallowed-broad-except-continue
        except Exception:
            continue


def notify(sock, data):
    try:
        sock.send(data)
    # ruleid: exception-handling.swallowed-broad-except
    except Exception:
        pass


class WebSession:
    def weblogout(self):
        if self._wc:
            try:
                self._wc.grab_json_response(self.logouturl)
            # ok: exception-handling.swallowed-broad-except
            except Exception:
                pass
            self._wc = None

    def end(self, session):
        try:
            session.post(self._url("api/logout"), timeout=5)
        # ok: exception-handling.swallowed-broad-except
        except Exception:
            pass

    def refresh(self, session):
        try:
            session.post(self._url("api/login"), timeout=5)
        # ruleid: exception-handling.swallowed-broad-except
        except Exception:
            pass


class Telemetry:
    def on_timeout(self, collector, addr):
        try:
            collector.record_connection_timeout(addr)
        # ok: exception-handling.swallowed-broad-except
        except Exception:
            pass

    def setup(self, callback):
        try:
            self._metrics_collector.init_csc_items(callback=callback)
        # ok: exception-handling.swallowed-broad-except
        except Exception:
            pass

    def register(self, observables_registry, cb):
        try:
            observables_registry.register(KEY, cb)
        # ok: exception-handling.swallowed-broad-except
        except Exception:
            pass

    def finish(self, span, started):
        try:
            elapsed = time.monotonic() - started
            if span is not None:
                span.set_attribute("elapsed", elapsed)
            self.requests_total.inc()
        # ok: exception-handling.swallowed-broad-except
        except Exception:
            pass

    def report_all(self, items):
        for item in items:
            try:
                self.latency.observe(item.latency)
            # ok: exception-handling.swallowed-broad-except-continue
            except Exception:
                continue

    def measure(self, parameter, value):
        try:
            parameter.apply(value)
        # ruleid: exception-handling.swallowed-broad-except
        except Exception:
            pass

    def record_and_store(self, db, row):
        try:
            self.metrics.inc()
            db.save(row)
        # ruleid: exception-handling.swallowed-broad-except
        except Exception:
            pass


class AsyncClient:
    async def reset(self):
        try:
            await self._session.aclose()
        # ok: exception-handling.swallowed-broad-except
        except Exception:
            pass
        self._session = None

    async def reconnect(self, conns):
        for conn in conns:
            try:
                await conn.aclose()
            # ok: exception-handling.swallowed-broad-except-continue
            except Exception:
                continue

    async def refresh(self):
        try:
            await self._session.acquire()
        # ruleid: exception-handling.swallowed-broad-except
        except Exception:
            pass


def owner_name(st):
    try:
        name = pwd.getpwuid(st.st_uid).pw_name
    # ruleid: exception-handling.broad-except-hides-expected-error
    except Exception:
        pass
    return name


def forget(cache, key):
    try:
        del cache[key]
    # ruleid: exception-handling.broad-except-hides-expected-error
    except BaseException:
        pass


def header_user(header):
    try:
        user = base64.b64decode(header).decode("utf-8")
    # ruleid: exception-handling.broad-except-hides-expected-error
    except (TypeError, Exception):
        pass


def store_default(cache, key, value):
    try:
        cache[key] = value
        notify(cache)
    # ruleid: exception-handling.swallowed-broad-except
    except Exception:
        pass


def run_hook(hooks, name, event):
    try:
        hooks[name](event)
    # ruleid: exception-handling.swallowed-broad-except
    except Exception:
        pass


def long_body(raw, sink):
    try:
        value = int(raw)
        sink.write(value)
        sink.flush_later()
        sink.count += 1
    # ruleid: exception-handling.swallowed-broad-except
    except Exception:
        pass


def bare_is_reported_once(raw):
    try:
        return int(raw)
    # ruleid: exception-handling.bare-except
    except:
        pass


def drop_tmp(path):
    try:
        os.unlink(path)
    # ok: exception-handling.broad-except-hides-expected-error
    except Exception:
        pass


def parse_port(raw):
    try:
        return int(raw)
    # ok: exception-handling.broad-except-hides-expected-error
    except ValueError:
        pass


def parse_documented(raw):
    # the raw value stays when it is not a number: any error at all means "not a number"
    try:
        value = int(raw)
    # ok: exception-handling.broad-except-hides-expected-error
    except Exception:
        pass


def parse_body(request, abort):
    try:
        params = request.json
    except Exception:
        # ok: exception-handling.broad-except-logged-without-traceback
        LOG.error("attach: no port details received")
        abort(400)
    try:
        cidr = netaddr.IPNetwork(params["cidr"])
    except Exception:
        # ok: exception-handling.broad-except-logged-without-traceback
        LOG.error("Invalid IP network given: '%s'.", params)
        return None
    return cidr


def attach(driver, port):
    try:
        driver.attach(port)
    except Exception:
        # ruleid: exception-handling.broad-except-logged-without-traceback
        LOG.error("Failed to attach port %s (invalid state?)", port)


def on_hook(self, payload):
    try:
        self.process_change(payload)
    except Exception:
        logging.error("Encountered an exception:")
        for msg in traceback.format_exception(*sys.exc_info()):
            # ok: exception-handling.broad-except-logged-without-traceback
            logging.error(msg.strip())
    try:
        self.process_change(payload)
    except Exception:
        # ok: exception-handling.broad-except-logged-without-traceback
        LOG.error("hook failed: %s", traceback.format_exc())


def copy_fields(board, values):
    for key in values:
        try:
            board[key] = values[key]
        # ruleid: exception-handling.swallowed-broad-except
        except Exception:
            pass


try:
    import fcntl

    LOCKING = "posix"
# ok: exception-handling.bare-except
except:
    LOCKING = None


def createrepo(self, path):
    try:
        self.run_createrepo(path)
    except Exception:
        # ok: exception-handling.broad-except-logged-without-traceback
        self.logger.error("error launching createrepo (not installed?), ignoring")
        utils.log_exc()


def check_token(self, token):
    try:
        self.remote.check(token)
    except Exception:
        # ruleid: exception-handling.broad-except-logged-without-traceback
        LOG.error("Error while checking the token.")
        # traceback.print_exc()
        return False


async def close_quietly(sync_gen):
    try:
        close_fn = cast(Callable[[], None], sync_gen.close)
    # ok: exception-handling.broad-except-hides-expected-error
    except Exception:
        pass


def main_loop(drivers, log):
    while drivers.alive():
        try:
            drivers.run()
        except KeyboardInterrupt:
            drivers.stop_all()
        except SystemExit:
            break
        # ok: exception-handling.bare-except
        except:
            log.exception("driver loop failed")


def serve_until_interrupted(conn, log):
    try:
        conn.pump()
    except (KeyboardInterrupt, SystemExit):
        conn.close()
    # ok: exception-handling.bare-except
    except:
        log.exception("pump failed")


def listen(client):
    client.subscribe("/queue/events")
    try:
        while True:
            time.sleep(5)
    # ruleid: exception-handling.bare-except-around-wait
    except:
        print("stopped")


def wait_for_worker(worker):
    try:
        worker.join()
    # ruleid: exception-handling.bare-except
    except:
        worker.terminate()


def wait_then_work(worker):
    try:
        worker.join()
        worker.report()
    # ruleid: exception-handling.bare-except
    except:
        worker.terminate()


def wait_quietly(worker):
    try:
        worker.join()
    # ok: exception-handling.bare-except-around-wait
    except KeyboardInterrupt:
        worker.terminate()


def report_user_error(self, fail, msg):
    try:
        self.on_user_error(fail, msg)
    except Exception:
        # ok: exception-handling.broad-except-logged-without-traceback
        self.log.error("Internal error: {tb}", tb=txaio.failure_format_traceback(txaio.create_failure()))


def replace_remote(backend, name, local):
    """Best effort: remove the old copy first (any backend error), then upload."""
    try:
        backend.delete(name.decode())
    # ok: exception-handling.broad-except-hides-expected-error
    except Exception:
        pass
    backend.upload(local, name.decode())


def highlight(styles, sig):
    try:
        idx = int(sig.highlight)
        styles.append(f"hl{idx}")
    # ruleid: exception-handling.broad-except-hides-expected-error
    except Exception:
        pass


def wait_for_rebuild(cloud, server_id, timeout):
    for count in utils.iterate_timeout(timeout, "Timeout waiting for the rebuild."):
        try:
            server = cloud.get_server(server_id)
        # ok: exception-handling.swallowed-broad-except-continue
        except Exception:
            continue
        if server["status"] == "ACTIVE":
            return server


async def stop_pending(pending):
    for coro in pending:
        if not coro.done():
            coro.cancel()
            try:
                await coro
            # ok: exception-handling.bare-except
            except:
                pass
