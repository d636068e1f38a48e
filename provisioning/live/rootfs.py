"""The files the bench live system adds to Debian: services, network, SSH and the boot menu (as data)."""

from __future__ import annotations

from pathlib import Path

CHECKIN_SCRIPT = Path(__file__).resolve().parent.parent / "checkin" / "kierto_checkin.py"
SCREEN_SCRIPT = Path(__file__).resolve().parent / "screen.py"
CONFIG_SCRIPT = Path(__file__).resolve().parent / "config.py"
BENCH_USER = "kierto-bench"
RUN_DIR = "/run/kierto"
CONFIG_LABEL = "KIERTO-CONF"
CONFIG_FILE = "kierto.conf"

_UNIT_CONFIG = """\
[Unit]
Description=Kierto: find the bench configuration (stick partition or network boot)
Wants=network-online.target
After=local-fs.target network-online.target
Before=kierto-checkin.service

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/usr/local/bin/kierto-live-config
StandardOutput=journal+console

[Install]
WantedBy=multi-user.target
"""

_UNIT_CHECKIN = """\
[Unit]
Description=Kierto: check this machine in with the server
Wants=network-online.target
After=network-online.target kierto-config.service ssh.service
Requires=kierto-config.service

[Service]
Type=oneshot
RemainAfterExit=yes
EnvironmentFile=/run/kierto/env
ExecStart=/usr/local/bin/kierto-checkin --answer-file /run/kierto/checkin.json --wait 600
Restart=on-failure
RestartSec=5
StandardOutput=journal+console
StandardError=journal+console

[Install]
WantedBy=multi-user.target
"""

_UNIT_SCREEN = """\
[Unit]
Description=Kierto: the large status screen on the laptop's own display
After=systemd-user-sessions.service
Conflicts=getty@tty1.service

[Service]
Type=simple
ExecStart=/usr/local/bin/kierto-screen
Restart=always
RestartSec=2
StandardInput=tty
StandardOutput=tty
StandardError=journal+console
TTYPath=/dev/tty1
TTYReset=yes
TTYVHangup=yes

[Install]
WantedBy=multi-user.target
"""

_UNIT_HOST_KEYS = """\
[Unit]
Description=Kierto: new SSH host keys for every boot (the image carries none)
Before=ssh.service

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/usr/bin/ssh-keygen -A

[Install]
WantedBy=multi-user.target
"""

# Old laptops (and virtual ones without KVM) are slow: services get time to start, and the network
# manager is restarted rather than given up on (its failure left a machine without network once).
_SLOW_MACHINES = """\
[Manager]
DefaultTimeoutStartSec=300s
"""

_NETWORKD_PATIENT = """\
[Unit]
StartLimitIntervalSec=0

[Service]
TimeoutStartSec=infinity
WatchdogSec=0
Restart=always
RestartSec=2
"""

_NETWORK = """\
[Match]
Type=ether

[Network]
DHCP=yes
LinkLocalAddressing=no

[DHCPv4]
ClientIdentifier=mac
"""

_SSHD = """\
# The bench reaches this machine with its key only.
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin no
AllowUsers kierto-bench
"""

_WAIT_ONLINE = """\
[Service]
ExecStart=
ExecStart=/lib/systemd/systemd-networkd-wait-online --any --timeout=60
"""

_GRUB_CFG = """\
# Kierto bench live system: starts by itself after a short wait, on the screen and the serial port.
insmod all_video
serial --unit=0 --speed=115200
terminal_input console serial
terminal_output console serial
set timeout=2
set default=0
menuentry "Kierto bench" {
    linux /live/vmlinuz boot=live quiet loglevel=3 console=tty1 console=ttyS0,115200
    initrd /live/initrd.img
}
"""


def root_files(bench_public_key: str) -> dict[str, tuple[int, bytes]]:
    """Every file the live system adds, by absolute path: (mode, content)."""
    key = bench_public_key.strip() + "\n"
    return {
        "/usr/local/bin/kierto-checkin": (0o755, CHECKIN_SCRIPT.read_bytes()),
        "/usr/local/bin/kierto-screen": (0o755, SCREEN_SCRIPT.read_bytes()),
        "/usr/local/bin/kierto-live-config": (0o755, CONFIG_SCRIPT.read_bytes()),
        "/etc/systemd/system/kierto-config.service": (0o644, _UNIT_CONFIG.encode()),
        "/etc/systemd/system/kierto-checkin.service": (0o644, _UNIT_CHECKIN.encode()),
        "/etc/systemd/system/kierto-screen.service": (0o644, _UNIT_SCREEN.encode()),
        "/etc/systemd/system/kierto-host-keys.service": (0o644, _UNIT_HOST_KEYS.encode()),
        "/etc/systemd/system/systemd-networkd-wait-online.service.d/any.conf": (0o644, _WAIT_ONLINE.encode()),
        "/etc/systemd/network/20-wired.network": (0o644, _NETWORK.encode()),
        "/etc/systemd/system.conf.d/kierto.conf": (0o644, _SLOW_MACHINES.encode()),
        "/etc/systemd/system/systemd-networkd.service.d/patient.conf": (0o644, _NETWORKD_PATIENT.encode()),
        "/etc/ssh/sshd_config.d/kierto.conf": (0o644, _SSHD.encode()),
        f"/home/{BENCH_USER}/.ssh/authorized_keys": (0o600, key.encode()),
        f"/etc/sudoers.d/{BENCH_USER}": (0o440, f"{BENCH_USER} ALL=(ALL) NOPASSWD: ALL\n".encode()),
        "/etc/hostname": (0o644, b"kierto-live\n"),
        "/etc/hosts": (0o644, b"127.0.0.1\tlocalhost\n127.0.1.1\tkierto-live\n"),
    }


UNITS = ("kierto-config", "kierto-checkin", "kierto-screen", "kierto-host-keys", "systemd-networkd", "ssh")


def grub_config() -> str:
    """The ISO's boot menu (BIOS and UEFI share it)."""
    return _GRUB_CFG
