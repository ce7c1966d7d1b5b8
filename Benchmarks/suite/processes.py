"""Server processes for the side-by-side run: start, wait until they answer, read their CPU from /proc, stop."""
import os
import signal
import socket
import subprocess
import time

TICKS = os.sysconf("SC_CLK_TCK")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _stat(pid):
    """(ppid, utime + stime in seconds) of a live process, or None."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            text = f.read()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2:].split()  # the command name may hold spaces and parentheses
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / TICKS


def process_tree(root):
    """root and every live descendant (gunicorn's master and its workers)."""
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            stat = _stat(entry)
            if stat:
                parents[int(entry)] = stat[0]
    tree, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        for pid, ppid in parents.items():
            if ppid == parent and pid not in tree:
                tree.add(pid)
                frontier.append(pid)
    return tree


def cpu_seconds(root):
    """User + system CPU of root and its descendants so far (threads included: /proc/PID/stat sums them)."""
    return sum(stat[1] for stat in map(_stat, process_tree(root)) if stat)


def machine_busy_seconds():
    """CPU time all cores have spent not idle since boot (/proc/stat's first line, less idle and iowait)."""
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:9]]
    user, nice, system, idle, iowait, irq, softirq, steal = fields
    return (user + nice + system + irq + softirq + steal) / TICKS


class Server:
    def __init__(self, name, command, port, env=None, cwd=None, log_path=None):
        self.name, self.port = name, port
        self.log_path = log_path
        self.log = open(log_path, "w") if log_path else subprocess.DEVNULL
        self.process = subprocess.Popen(command, env=env, cwd=cwd, stdout=self.log, stderr=subprocess.STDOUT,
                                        start_new_session=True)
        self.pid = self.process.pid

    def wait_ready(self, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                said = ""
                if self.log_path:
                    with open(self.log_path) as log:
                        lines = log.read().strip().splitlines()
                    errors = [line for line in lines if line.lower().startswith("error")]
                    said = ": " + " | ".join(errors or lines[-3:])
                raise RuntimeError(f"{self.name} exited with status {self.process.returncode} before listening{said}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"{self.name} did not listen on port {self.port} within {timeout} s")

    def cpu_seconds(self):
        return cpu_seconds(self.pid)

    def wait_idle(self, timeout=60, interval=0.5, busy=0.05):
        """Waits until the server uses under `busy` of a core over `interval` (a generator that stops at its
        deadline leaves calls behind; a peer worker may still be importing librosa's lazy parts)."""
        deadline = time.monotonic() + timeout
        before = self.cpu_seconds()
        while time.monotonic() < deadline:
            time.sleep(interval)
            after = self.cpu_seconds()
            if after - before < busy * interval:
                return
            before = after
        raise RuntimeError(f"{self.name} stayed busy for {timeout} s without load")

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.pid, signal.SIGKILL)
                self.process.wait()
        if self.log is not subprocess.DEVNULL:
            self.log.close()
