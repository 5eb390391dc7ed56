"""serial_socket.py: an emulator's COM1 as a connected socket: a reader thread logs its output, send() types into it."""
import threading


class SerialSocket:
    """Mixed into an emulator class (qemu.Qemu, bochs.Bochs) that connects self.sock and names
    self.serial_log. The output goes to the log file, so waiting for it works exactly as with
    a file-backed COM1."""

    sock = None
    serial_log = None

    def start_reader(self):
        # Read all the time: the emulated UART stalls (or blocks the emulator) once the socket is full.
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self):
        with open(self.serial_log, "ab", buffering=0) as log:
            try:
                while True:
                    data = self.sock.recv(65536)
                    if not data:
                        break
                    log.write(data)
            except OSError:
                pass

    def send(self, data):
        """Types into COM1. Both emulators' UARTs take a byte from the socket only once the guest
        has made room for it, so nothing is dropped on the way in; the socket may block."""
        if isinstance(data, str):
            data = data.encode()
        self.sock.sendall(data)
