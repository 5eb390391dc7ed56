"""cli.py: drives dom0's management CLI over an interactive QEMU serial line, as an operator would."""
import re
import time

from harness import Failure, check

PROMPT = "keel> "


class Cli:
    """Types commands into dom0's prompt and returns what each printed.

    Output is read from the serial log; 'mark' is where the unread part starts, so each
    command's output is what came after it was typed.
    """

    def __init__(self, vm, timeout=30):
        self.vm = vm
        self.timeout = timeout
        self.mark = 0

    def _new_text(self):
        return self.vm.text()[self.mark:]

    def wait_for(self, pattern, timeout=None, fail_on=None):
        """Waits for a regex in the output since the mark; moves the mark past the match."""
        want = re.compile(pattern, re.M)
        bad = re.compile(fail_on, re.M) if fail_on else None
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            exited = self.vm.proc.poll() is not None
            text = self._new_text()
            match = want.search(text)
            if match:
                self.mark += match.end()
                return match
            if bad and bad.search(text):
                raise Failure(f"saw /{bad.search(text).group(0)}/ while waiting for /{pattern}/")
            if exited:
                raise Failure(f"QEMU exited before /{pattern}/ showed up")
            if time.monotonic() > deadline:
                tail = text[-600:]
                raise Failure(f"no /{pattern}/ within {timeout or self.timeout:.0f} s; last output:\n{tail}")
            time.sleep(0.1)

    def wait_prompt(self, timeout=None):
        """Waits for a prompt at the start of a line (dom0 may print notices after it)."""
        self.wait_for("^" + re.escape(PROMPT), timeout=timeout)

    def run(self, command, timeout=None):
        """Types a command and Enter; returns its output: the lines after the echoed command
        up to the next prompt. A notice dom0 prints on its own after that prompt is skipped."""
        self.vm.send(command + "\r")
        # The echo: right after the prompt (already consumed), or after one drawn again below a notice.
        self.wait_for(r"(?:^|" + re.escape(PROMPT) + ")" + re.escape(command) + r"[ \t]*\n", timeout=timeout)
        start = self.mark
        self.wait_prompt(timeout=timeout)
        chunk = self.vm.text()[start:self.mark]
        return chunk[:-len(PROMPT)].rstrip("\n")

    def run_keys(self, keys, timeout=None):
        """Types raw keys (control bytes, escape sequences) and Enter; returns all it printed
        up to the next prompt, the line editor's echo included."""
        start = self.mark
        self.vm.send(keys + "\r")
        self.wait_for(r"\n" + re.escape(PROMPT), timeout=timeout)
        return self.vm.text()[start:self.mark - len(PROMPT)]

    def expect_error(self, command, pattern):
        out = self.run(command)
        check(re.search(r"^error: " + pattern, out, re.M),
              f"'{command}' should fail with 'error: {pattern}', printed:\n{out}")
        return out
