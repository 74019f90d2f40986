"""Semgrep test cases for the input-validation rules (written for reviewbot)."""
import ast
import builtins
import json
import marshal
import os
import pickle
import shelve
import shlex
import subprocess
import tarfile
import zipfile

import dill
import yaml


def run_plugin(code, namespace, volume):
    # ruleid: input-validation.exec-used
    exec(code, namespace)
    # ruleid: input-validation.exec-used
    exec("import %s" % volume['driver'])
    # ruleid: input-validation.exec-used
    builtins.exec(compile(code, '<plugin>', 'exec'))
    # A literal constant is fine.
    # ok: input-validation.exec-used
    exec("import os", namespace)
    # ok: input-validation.exec-used
    namespace.exec(code)


def parse_location(volume, model_update, expr):
    # ruleid: input-validation.eval-used
    location = eval(volume['provider_location'])
    # ruleid: input-validation.eval-used
    path = eval(model_update.get('provider_location'))
    # ruleid: input-validation.eval-used
    value = eval(expr, {'__builtins__': {}})
    # ok: input-validation.eval-used
    limit = eval("2 ** 20")
    # ok: input-validation.eval-used
    parsed = ast.literal_eval(volume['provider_location'])
    # Method calls named eval are not the builtin.
    # ok: input-validation.eval-used
    total = expr.eval()
    # Already reviewed and annotated for Bandit.
    # ok: input-validation.eval-used
    trusted = eval(expr)  # nosec: B307 expression built from constants
    return location, path, value, limit, parsed, total, trusted


def load_blobs(data, path, fp):
    # ruleid: input-validation.pickle-load
    obj = pickle.loads(data)
    # ruleid: input-validation.pickle-load
    builder = pickle.load(fp)
    # ruleid: input-validation.pickle-load
    unpickler = pickle.Unpickler(fp)
    # ruleid: input-validation.pickle-load
    state = dill.loads(data)
    # ruleid: input-validation.pickle-load
    db = shelve.open(path)
    # Writing is not loading.
    # ok: input-validation.pickle-load
    blob = pickle.dumps(obj, protocol=2)
    # ok: input-validation.pickle-load
    parsed = json.loads(data)
    # ok: input-validation.pickle-load
    ring = pickle.load(fp)  # nosec: B301 ring files are written by the admin
    # ruleid: input-validation.marshal-load
    code = marshal.loads(data)
    # ruleid: input-validation.marshal-load
    code2 = marshal.load(fp)
    # ok: input-validation.marshal-load
    raw = marshal.dumps(code)
    return obj, builder, unpickler, state, db, blob, parsed, ring, code2, raw


def load_config(stream, path, text):
    # ruleid: input-validation.yaml-load-no-loader
    conf = yaml.load(stream)
    # ruleid: input-validation.yaml-load-no-loader
    docs = list(yaml.load_all(text))
    with open(path) as f:
        # ruleid: input-validation.yaml-load-no-loader
        policy = yaml.load(f)
    # ok: input-validation.yaml-load-no-loader
    safe = yaml.safe_load(stream)
    # ok: input-validation.yaml-load-no-loader
    safe2 = yaml.load(stream, Loader=yaml.SafeLoader)
    # ok: input-validation.yaml-load-no-loader
    safe3 = yaml.load(stream, Loader=yaml.CSafeLoader)

    # ruleid: input-validation.yaml-unsafe-loader
    unsafe = yaml.load(stream, Loader=yaml.Loader)
    # ruleid: input-validation.yaml-unsafe-loader
    unsafe2 = yaml.load(stream, yaml.UnsafeLoader)
    # ruleid: input-validation.yaml-unsafe-loader
    unsafe3 = yaml.load_all(text, Loader=yaml.FullLoader)
    # ruleid: input-validation.yaml-unsafe-loader
    unsafe4 = yaml.unsafe_load(text)
    # ok: input-validation.yaml-unsafe-loader
    safe4 = yaml.load(stream, Loader=yaml.SafeLoader)
    # ok: input-validation.yaml-unsafe-loader
    safe5 = yaml.load(stream, Loader=yaml.CSafeLoader)
    # ok: input-validation.yaml-unsafe-loader
    safe6 = yaml.safe_load_all(text)
    return (conf, docs, policy, safe, safe2, safe3, unsafe, unsafe2, unsafe3,
            unsafe4, safe4, safe5, safe6)


def unpack_image(archive_path, dest, names):
    tar = tarfile.open(archive_path)
    # ruleid: input-validation.tarfile-extract-unfiltered
    tar.extractall(dest)
    # ruleid: input-validation.tarfile-extract-unfiltered
    tar.extractall(path=dest, numeric_owner=True)
    tar.close()
    with tarfile.open(archive_path, 'r:gz') as backup:
        # ruleid: input-validation.tarfile-extract-unfiltered
        backup.extractall()
    # ruleid: input-validation.tarfile-extract-unfiltered
    tarfile.open(archive_path).extractall(dest)
    with tarfile.open(archive_path) as checked:
        # ok: input-validation.tarfile-extract-unfiltered
        checked.extractall(dest, filter="data")
        # ok: input-validation.tarfile-extract-unfiltered
        checked.extractall(dest, members=_safe_members(checked, dest))
    # zipfile.extractall sanitises member names itself and takes no filter.
    with zipfile.ZipFile(archive_path) as zf:
        # ok: input-validation.tarfile-extract-unfiltered
        zf.extractall(dest)


def _safe_members(tar, dest):
    for member in tar.getmembers():
        if os.path.abspath(os.path.join(dest, member.name)).startswith(dest):
            yield member


def run_tools(volume_name, user_cmd, path):
    # ruleid: input-validation.subprocess-shell-list
    subprocess.call(['ls', '-l', path], shell=True)
    # ruleid: input-validation.subprocess-shell-list
    out = subprocess.check_output(['lvs', '--noheadings', volume_name],
                                  shell=True, universal_newlines=True)
    # ruleid: input-validation.subprocess-shell-list
    subprocess.check_call(['mkfs', '-t', 'ext4', path],
                          shell=True)
    # ok: input-validation.subprocess-shell-list
    subprocess.call(['ls', '-l', path])
    # A one-element list is run as a shell script: dropping shell=True would change it.
    # ok: input-validation.subprocess-shell-list
    subprocess.call(['sleep 10 && sync'], shell=True)

    # ruleid: input-validation.subprocess-shell-true
    subprocess.call("lvremove -f %s" % volume_name, shell=True)
    # ruleid: input-validation.subprocess-shell-true
    proc = subprocess.Popen(user_cmd, shell=True, stdout=subprocess.PIPE)
    # ruleid: input-validation.subprocess-shell-true
    subprocess.run(f"rm -rf {path}", shell=True, check=True)
    # ok: input-validation.subprocess-shell-true
    subprocess.call("sleep 10", shell=True)
    cmd = "sync; echo 3 > /proc/sys/vm/drop_caches"
    # ok: input-validation.subprocess-shell-true
    subprocess.check_call(cmd, shell=True)
    # ok: input-validation.subprocess-shell-true
    subprocess.call("ls -l %s" % shlex.quote(path), shell=True)
    # ok: input-validation.subprocess-shell-true
    subprocess.run(["lvremove", "-f", volume_name], check=True)

    # ruleid: input-validation.os-system-non-literal
    os.system("iscsiadm -m node -T %s --login" % volume_name)
    # ruleid: input-validation.os-system-non-literal
    pipe = os.popen("du -sh " + path)
    # ruleid: input-validation.os-system-non-literal
    listing = subprocess.getoutput(user_cmd)
    # ok: input-validation.os-system-non-literal
    os.system("sync")
    # ok: input-validation.os-system-non-literal
    os.system("du -sh %s" % shlex.quote(path))
    return out, proc, pipe, listing


def execfile(filename, globals_, locals_=None):
    with open(filename, "rb") as fin:
        source = fin.read()
    code = compile(source, filename, "exec")
    # ok: input-validation.exec-used
    exec(code, globals_, locals_)


def make_function(definition, namespace):
    # pylint: disable=exec-used
    # Tasks are rarely created at runtime: exec here is fine.
    # ok: input-validation.exec-used
    exec(definition, namespace)
