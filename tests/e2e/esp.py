"""esp.py: per-test variants of the EFI System Partition (build/esp/ copied, keel.cfg or files changed)."""
import os
import re
import shutil
import subprocess

from harness import BUILD, ROOT, Failure

ESP_DIR = BUILD / "esp"
CFG = "keel/keel.cfg"
HV = "keel/keel.elf"


def set_cfg_key(text, key, value):
    """Replaces the first active 'key = ...' line of keel.cfg text, or appends one."""
    line = f"{key} = {value}"
    pattern = re.compile(rf"^[ \t]*{re.escape(key)}[ \t]*=.*$", re.M)
    if pattern.search(text):
        return pattern.sub(lambda _: line, text, count=1)
    return text.rstrip("\n") + "\n" + line + "\n"


def cfg_value(text, key):
    """The value of an active 'key = value' line, without any trailing comment ('' if absent)."""
    match = re.search(rf"^[ \t]*{re.escape(key)}[ \t]*=[ \t]*([^#\n]*)", text, re.M)
    return match.group(1).strip() if match else ""


# Lines of the shipped keel.cfg that start domains or hand dom0 its files: a test names its own
# (shipped_domains=True keeps them).
_DOMAIN_LINE = re.compile(r"^[ \t]*(guest|dom0|module_dir|autostart)[ \t]*=.*\n?", re.M)
DOMAINS = "keel/domains"


def make_esp(case, options="", cfg=None, cfg_append="", files=None, remove=(), bochs=False,
             shipped_domains=False, domains=None):
    """Builds case's ESP image and returns its path.

    options:    hypervisor options appended to the shipped cmdline (later ones win).
    cfg:        {key: value} set in keel.cfg, replacing the key's line if it has one.
    cfg_append: raw lines appended to keel.cfg.
    files:      {ESP path: bytes} written over the copy (e.g. a corrupt keel.elf); missing
                directories are made, so a test can fill a directory for 'module_dir ='.
    remove:     ESP paths deleted from the copy.
    bochs:      size the image in whole 16x63 cylinders, as Bochs requires.
    shipped_domains: keep the 'guest =', 'dom0 =', 'module_dir =' and 'autostart =' lines of
                the shipped keel.cfg (the `make run` demo); by default a test starts only the
                domains it adds itself.
    domains:    {NAME: text} written as \\keel\\domains\\NAME.cfg, next to the shipped ones.
    """
    if not (ESP_DIR / HV).is_file():
        raise Failure(f"{ESP_DIR} is incomplete; run 'make esp' first")
    tree = case.path("esp")
    shutil.copytree(ESP_DIR, tree)
    cfg_path = tree / CFG
    text = cfg_path.read_text()
    if not shipped_domains:
        text = _DOMAIN_LINE.sub("", text)
    if options:
        text = set_cfg_key(text, "cmdline", f"{cfg_value(text, 'cmdline')} {options}".strip())
    for key, value in (cfg or {}).items():
        text = set_cfg_key(text, key, value)
    if cfg_append:
        text = text.rstrip("\n") + "\n" + cfg_append.rstrip("\n") + "\n"
    cfg_path.write_text(text)
    for name, domain_cfg in (domains or {}).items():
        (tree / DOMAINS).mkdir(parents=True, exist_ok=True)
        (tree / DOMAINS / f"{name}.cfg").write_text(domain_cfg)
    for name, data in (files or {}).items():
        (tree / name).parent.mkdir(parents=True, exist_ok=True)
        (tree / name).write_bytes(data)
    for name in remove:
        (tree / name).unlink()

    image = case.path("esp.img")
    env = dict(os.environ, CHS="1" if bochs else "0")
    subprocess.run([str(ROOT / "tools/mkfatimg.sh"), str(tree), str(image), "64", "KEEL-ESP"],
                   check=True, env=env, capture_output=True)
    return image
