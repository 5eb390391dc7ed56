#!/usr/bin/env python3
"""update_doc.py: puts a benchmark's table into its own marked section of docs/performance.md, with when and where it ran."""
import datetime
import os
import re
import sys


def machine():
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return f"{model}, {os.cpu_count()} CPUs"


def main():
    if len(sys.argv) != 5:
        sys.exit("usage: update_doc.py DOC SECTION TABLE LOADAVG")
    doc, section, table_path, load = sys.argv[1:]
    with open(table_path) as f:
        table = f.read().strip()
    begin, end = f"<!-- {section}:begin -->", f"<!-- {section}:end -->"
    with open(doc) as f:
        text = f.read()
    pattern = re.compile(re.escape(begin) + ".*?" + re.escape(end), re.S)
    if not pattern.search(text):
        sys.exit(f"update_doc.py: {doc} has no {begin} ... {end} block")
    when = datetime.datetime.now().strftime("%Y-%m-%d %H:%M")
    body = (f"{begin}\nMeasured {when} on {machine()}; load average {load} "
            f"when the run started.\n\n{table}\n{end}")
    text = pattern.sub(lambda _: body, text, count=1)
    with open(doc, "w") as f:
        f.write(text)
    print(f"bench: table written to {doc} ({section})")


if __name__ == "__main__":
    main()
