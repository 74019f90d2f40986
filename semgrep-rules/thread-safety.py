# Test cases for semgrep-rules/thread-safety.yaml (written for reviewbot).
import threading

from oslo_concurrency import lockutils

from cinder import utils

_REGISTRY_LOCK = threading.Lock()
_REGISTRY = {}


class LunCreator(object):
    create_lock = threading.Lock()

    def create_lun(self, client, name):
        # ruleid: thread-safety.acquire-without-finally-release
        self.create_lock.acquire()
        lun = client.create(name)
        self.create_lock.release()
        return lun

    def create_lun_safely(self, client, name):
        # ok: thread-safety.acquire-without-finally-release
        self.create_lock.acquire()
        try:
            return client.create(name)
        finally:
            self.create_lock.release()

    def try_create(self, client, name):
        # ok: thread-safety.acquire-without-finally-release
        if not self.create_lock.acquire(blocking=False):
            return None
        try:
            return client.create(name)
        finally:
            self.create_lock.release()

    def create_with(self, client, name):
        # ok: thread-safety.acquire-without-finally-release
        with self.create_lock:
            return client.create(name)


class ManagedLock(object):
    def __init__(self):
        self._lock = threading.Lock()

    def __enter__(self):
        # ok: thread-safety.acquire-without-finally-release
        self._lock.acquire()
        return self

    def __exit__(self, *exc):
        self._lock.release()


def update_counter(counters, key):
    # ruleid: thread-safety.lock-created-per-use
    with threading.Lock():
        counters[key] = counters.get(key, 0) + 1


def update_counter_rlock(counters, key):
    # ruleid: thread-safety.lock-created-per-use
    lock = threading.RLock().acquire()
    counters[key] = counters.get(key, 0) + 1
    return lock


def update_counter_shared(counters, key):
    # ok: thread-safety.lock-created-per-use
    with _REGISTRY_LOCK:
        counters[key] = counters.get(key, 0) + 1


def update_counter_lockutils(counters, key):
    # ok: thread-safety.lock-created-per-use
    with lockutils.lock('counters-%s' % key):
        counters[key] = counters.get(key, 0) + 1


class ConnectionPool(object):
    def __init__(self):
        self._lock = threading.Lock()
        # ok: thread-safety.attribute-mutated-outside-lock
        self._free = []
        self._stats = {}

    def put(self, conn):
        with self._lock:
            # ok: thread-safety.attribute-mutated-outside-lock
            self._free.append(conn)

    def get(self):
        with self._lock:
            self._hits += 1
            if self._free:
                return self._free.pop()
        return None

    def drain(self):
        while True:
            try:
                # a pop whose IndexError on an emptied pool is handled is not a race
                # ok: thread-safety.attribute-mutated-outside-lock
                conn = self._free.pop()
            except IndexError:
                return
            conn.close()

    def discard(self, conn):
        # ruleid: thread-safety.attribute-mutated-outside-lock
        self._free.remove(conn)

    def _reset_locked(self):
        # ok: thread-safety.attribute-mutated-outside-lock
        self._free.clear()

    def _forget(self, conn):
        # ok: thread-safety.attribute-mutated-outside-lock
        self._free.remove(conn)

    def forget(self, conn):
        with self._lock:
            self._forget(conn)

    @utils.synchronized('pool-stats')
    def record(self, conn):
        # ok: thread-safety.attribute-mutated-outside-lock
        self._free.append(conn)

    def note(self, name):
        # ok: thread-safety.attribute-mutated-outside-lock
        self._stats[name] = 1

    def count(self):
        # ruleid: thread-safety.attribute-mutated-outside-lock
        self._hits += 1

    def push(self, conn):
        # a single append is atomic: not reported
        # ok: thread-safety.attribute-mutated-outside-lock
        self._free.append(conn)

    def take(self):
        # ok: thread-safety.attribute-mutated-outside-lock
        return self._free.pop()  # atomic by design

    def _bump(self, name):
        # ok: thread-safety.attribute-mutated-outside-lock
        self._stats[name] += 1


class TaskTable(object):
    def __init__(self):
        self._lock = threading.Lock()
        self._tasks = {}
        self._queue = []

    def add(self, key, task):
        with self._lock:
            self._tasks[key] = task
            self._queue.append(task)

    def discard(self, key):
        # ok: thread-safety.attribute-mutated-outside-lock
        self._tasks.pop(key, None)

    def take(self, key):
        if key in self._tasks:
            # ruleid: thread-safety.attribute-mutated-outside-lock
            task = self._tasks.pop(key)
            return task
        return None

    def forget(self, key):
        if key in self._tasks:
            # (`del self.$D[$K]` is not matched yet)
            # todoruleid: thread-safety.attribute-mutated-outside-lock
            del self._tasks[key]

    def drain(self):
        out = []
        try:
            while self._queue:
                # ok: thread-safety.attribute-mutated-outside-lock
                out.append(self._queue.pop())
        except IndexError:
            pass
        return out

    def claim(self, key):
        try:
            # ok: thread-safety.attribute-mutated-outside-lock
            return self._tasks.pop(key)
        except (KeyError, TypeError) as exc:
            return exc

    def claim_checked(self, key):
        try:
            # ruleid: thread-safety.attribute-mutated-outside-lock
            return self._tasks.pop(key)
        except ValueError:
            return None
        finally:
            self._done = True

    def requeue(self):
        try:
            self._queue.sort()
        except IndexError:
            # ruleid: thread-safety.attribute-mutated-outside-lock
            self._queue.pop()


class BackendCache(object):
    def __init__(self):
        self._lock = threading.Lock()
        self._backends = {}

    def reload(self, loader):
        with self._lock:
            self._backends = loader()

    def register(self, name, backend):
        # ruleid: thread-safety.check-then-set-race
        if name not in self._backends:
            self._backends[name] = backend
        return self._backends[name]

    def register_locked(self, name, backend):
        with self._lock:
            # ok: thread-safety.check-then-set-race
            if name not in self._backends:
                self._backends[name] = backend
        return self._backends[name]

    @lockutils.synchronized('backend-cache')
    def register_synchronized(self, name, backend):
        # ok: thread-safety.check-then-set-race
        if name not in self._backends:
            self._backends[name] = backend

    def register_computed(self, name, factory):
        # ok: thread-safety.check-then-set-race
        if name not in self._backends:
            # todoruleid: thread-safety.attribute-mutated-outside-lock
            self._backends[name] = factory(name)
        return self._backends[name]


def register_driver(name, driver):
    # ruleid: thread-safety.check-then-set-race
    if name not in _REGISTRY:
        _REGISTRY[name] = driver
    return _REGISTRY[name]


def register_driver_locked(name, driver):
    with _REGISTRY_LOCK:
        # ok: thread-safety.check-then-set-race
        if name not in _REGISTRY:
            _REGISTRY[name] = driver
    return _REGISTRY[name]


def register_local(name, driver):
    seen = {}
    # ok: thread-safety.check-then-set-race
    if name not in seen:
        seen[name] = driver
    return seen


_HANDLERS = []


def add_handler(handler):
    # ruleid: thread-safety.global-mutated-outside-lock
    _HANDLERS.append(handler)


def add_handler_locked(handler):
    with _REGISTRY_LOCK:
        # ok: thread-safety.global-mutated-outside-lock
        _HANDLERS.append(handler)


@lockutils.synchronized('handlers')
def remove_handler(handler):
    # ok: thread-safety.global-mutated-outside-lock
    _HANDLERS.remove(handler)


def pop_handler():
    # ruleid: thread-safety.acquire-without-finally-release
    _REGISTRY_LOCK.acquire()
    # ok: thread-safety.global-mutated-outside-lock
    _HANDLERS.pop()
    _REGISTRY_LOCK.release()


def local_list(handler):
    handlers = []
    # ok: thread-safety.global-mutated-outside-lock
    handlers.append(handler)
    return handlers


class LazyProperty(object):
    def __init__(self, lock=None):
        self._lock = lock

    def fetch(self, instance, compute):
        if self._lock is not None:
            # ok: thread-safety.acquire-without-finally-release
            self._lock.acquire()
        try:
            return compute(instance)
        finally:
            if self._lock is not None:
                self._lock.release()


def run_election(groups, hooks):
    for group_id, leader_lock in groups.items():
        # ok: thread-safety.acquire-without-finally-release
        if leader_lock.acquire(blocking=False):
            hooks.run(group_id)


class Channel:
    def __init__(self):
        import threading

        self._session_lock = threading.Lock()

    def wait_for_channel(self, expired):
        # ok: thread-safety.acquire-without-finally-release
        while not self._session_lock.acquire(False) and not expired():
            pass
        return True

    def try_take(self, coordinator, name):
        lock = coordinator.get_lock(name)
        # ok: thread-safety.acquire-without-finally-release
        if not lock.acquire(blocking=False):
            raise RuntimeError(name)
        return lock


def expunge(coordinator, sack, work):
    lock = None
    try:
        lock = coordinator.get_lock(sack)
        # ok: thread-safety.acquire-without-finally-release
        if not lock.acquire():
            return
        work()
    finally:
        if lock:
            lock.release()


class Pool(object):
    def __init__(self):
        self._lock = threading.Lock()
        self._cond = threading.Condition()

    def get(self, sync=True):
        # ok: thread-safety.acquire-without-finally-release
        if not self._lock.acquire(blocking=sync):
            return None
        return self._take()

    def get_nowait(self, wait):
        # ok: thread-safety.acquire-without-finally-release
        self._cond.acquire(wait)
        item = self._take()
        self._cond.release()
        return item

    def get_timeout(self):
        # ruleid: thread-safety.acquire-without-finally-release
        self._lock.acquire(timeout=10)
        item = self._take()
        self._lock.release()
        return item

    def get_blocking(self):
        # ruleid: thread-safety.acquire-without-finally-release
        self._lock.acquire(True)
        item = self._take()
        self._lock.release()
        return item

    def get_blocking_kw(self):
        # ruleid: thread-safety.acquire-without-finally-release
        self._lock.acquire(blocking=True, timeout=5)
        item = self._take()
        self._lock.release()
        return item

    def run_exclusive(self, task):
        # ok: thread-safety.acquire-without-finally-release
        if not self._lock.acquire(blocking=False):
            raise RuntimeError("busy")
        started = task.prepare()
        try:
            return task.run(started)
        finally:
            self._lock.release()

    def run_with_timeout(self, task):
        # ok: thread-safety.acquire-without-finally-release
        if not self._lock.acquire(timeout=30):
            LOG.error("could not get the lock")
            return None
        started = task.prepare()
        try:
            return task.run(started)
        finally:
            self._lock.release()

    def run_reraise(self, task):
        # ok: thread-safety.acquire-without-finally-release
        if not self._lock.acquire(timeout=30):
            raise
        try:
            return task.run()
        finally:
            self._lock.release()

    def run_unreleased(self, task):
        # never released here: handed over (or leaked) -- not the acquire/release pair this rule judges
        # ok: thread-safety.acquire-without-finally-release
        if not self._lock.acquire(timeout=30):
            raise RuntimeError("busy")
        started = task.prepare()
        try:
            return task.run(started)
        finally:
            task.cleanup()

    def run_warned(self, task):
        # ruleid: thread-safety.acquire-without-finally-release
        if not self._lock.acquire(timeout=30):
            LOG.warning("slow lock")
        result = task.run()
        self._lock.release()
        return result


def compute(value):
    return value


class Future(object):
    def __init__(self):
        self._lock = threading.Lock()
        self._callbacks = []
        self._errbacks = []
        self.value = None
        self.is_done = False
        self.count = 0

    def success(self, value):
        lock = self._lock
        # only plain assignments before the release: nothing can raise
        # ok: thread-safety.acquire-without-finally-release
        lock.acquire()
        self.value = value
        self.is_done = True
        callbacks = self._callbacks
        self._callbacks = None
        self._errbacks = None
        lock.release()
        return callbacks

    def failure(self, exc):
        # ok: thread-safety.acquire-without-finally-release
        self._lock.acquire()
        # record the failure
        self.exception = exc
        self.retries = -1
        self.state = self.name = 'failed'

        self.errors = []
        self._lock.release()

    def add_callback(self, f):
        lock = self._lock
        # ruleid: thread-safety.acquire-without-finally-release
        lock.acquire()
        if not self.is_done:
            self._callbacks.append(f)
        lock.release()

    def first_callback(self):
        # ruleid: thread-safety.acquire-without-finally-release
        self._lock.acquire()
        first = self._callbacks[0]
        self._lock.release()
        return first

    def bump(self):
        # ruleid: thread-safety.acquire-without-finally-release
        self._lock.acquire()
        self.count = self.count + 1
        self._lock.release()

    def result(self):
        # ruleid: thread-safety.acquire-without-finally-release
        self._lock.acquire()
        value = self.value
        result = compute(value)
        self._lock.release()
        return result

    def mark_done(self, flag):
        # ruleid: thread-safety.acquire-without-finally-release
        self._lock.acquire()
        self.is_done = True
        if flag:
            self._lock.release()


class SelectorThread(object):
    def __init__(self):
        self._select_cond = threading.Condition()
        self._readers = {}
        self._writers = {}
        self._pending = []
        self._wakeups = 0

    def start_select(self):
        with self._select_cond:
            # a snapshot only reads the handler maps under the condition
            self._select_args = (list(self._readers.keys()), list(self._writers.keys()))
            if self._pending:
                self._pending.pop()
            self._wakeups = 0
            self._select_cond.notify()

    def remove_reader(self, fd):
        # ok: thread-safety.attribute-mutated-outside-lock
        del self._readers[fd]

    def remove_writer(self, fd):
        # ok: thread-safety.attribute-mutated-outside-lock
        self._writers.pop(fd)

    def drop_pending(self, item):
        # ruleid: thread-safety.attribute-mutated-outside-lock
        self._pending.remove(item)

    def wake(self):
        # ruleid: thread-safety.attribute-mutated-outside-lock
        self._wakeups += 1


class SessionLocks(object):
    locks = {}

    def acquire_lock(self, session_id):
        # ok: thread-safety.lock-created-per-use
        self.locks.setdefault(session_id, threading.RLock()).acquire()


def run_with_key_lock(locks, key, work):
    # ok: thread-safety.lock-created-per-use
    with locks.setdefault(key, threading.Lock()):
        work()


def run_with_default_lock(locks, key, work):
    # ruleid: thread-safety.lock-created-per-use
    with locks.get(key, threading.Lock()):
        work()


def run_with_new_semaphore(work):
    # ruleid: thread-safety.lock-created-per-use
    threading.Semaphore(2).acquire()
    work()


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.total = 0

    def record(self, pending):
        # ok: thread-safety.acquire-without-finally-release
        self.lock.acquire()
        self.last = datetime.datetime.now()
        self.total += 1
        self.pending |= pending
        self.lock.release()

    def barrier(self):
        # ok: thread-safety.acquire-without-finally-release
        yield self.lock.acquire()
        self.lock.release()

    def record_many(self, items):
        # ruleid: thread-safety.acquire-without-finally-release
        self.lock.acquire()
        self.items.extend(items)
        self.lock.release()


class LoginCache:
    def __init__(self):
        self._lock = threading.Lock()
        self._ok = {}

    def remember(self, login, digest, now):
        # ok: thread-safety.acquire-without-finally-release
        self._lock.acquire()
        self._ok[login] = (digest, now)
        self._lock.release()

    def forget(self, login):
        # ok: thread-safety.acquire-without-finally-release
        self._lock.acquire()
        self._ok.pop(login, None)
        self._lock.release()

    def forget_strict(self, login):
        # ruleid: thread-safety.acquire-without-finally-release
        self._lock.acquire()
        del self._ok[login]
        self._lock.release()


class Packer:
    def pack(self):
        # ok: thread-safety.acquire-without-finally-release
        self._commit_lock.acquire()
        self.locked = True
        try:
            self._copy()
        finally:
            self._commit_lock.release()
            self.locked = False


class EntryCache:
    def __init__(self):
        self.lock = threading.Lock()
        self._entries = {}

    def flush(self):
        # ok: thread-safety.acquire-without-finally-release
        self.lock.acquire()
        self._entries.clear()
        self.lock.release()


class QueryHandle:
    def __init__(self):
        self.lock = threading.Lock()

    def open_stream(self, sql):
        # the returned stream owns the lock until it closes; on failure it is released here
        # ok: thread-safety.acquire-without-finally-release
        self.lock.acquire()
        try:
            stream = self.conn.send(sql)
        except BaseException:
            self.lock.release()
            raise
        return Stream(stream, on_close=self.lock.release)

    def close_stream(self, stream):
        stream.close()


class Waiter:
    def __init__(self):
        self._lock = threading.Lock()
        self._waiters = []

    def wait(self, timeout=None):
        gate = threading.Lock()
        # ok: thread-safety.acquire-without-finally-release
        gate.acquire()
        self._waiters.append(gate)
        gate.acquire(True, timeout)
        gate.release()


def hold_until_exit(thread_state):
    thread_state.tstate_lock = threading.Lock()
    # ok: thread-safety.acquire-without-finally-release
    thread_state.tstate_lock.acquire()

    def _at_exit():
        thread_state.tstate_lock.release()

    atexit.register(_at_exit)


def leaky(sem):
    # ruleid: thread-safety.acquire-without-finally-release
    sem.lock.acquire()
    proc = spawn()
    sem.lock.release()
    return proc


def progress(self):
    guard = threading.Lock()
    # ok: thread-safety.acquire-without-finally-release
    guard.acquire()
    value = int(float(self.done) / float(self.total) * 100)
    guard.release()
    return value


class PoolServer:
    def __init__(self):
        self.stop_condition = threading.Condition()

    def stop(self):
        # ok: thread-safety.acquire-without-finally-release
        self.stop_condition.acquire()
        self.stop_condition.notify()
        self.stop_condition.release()
