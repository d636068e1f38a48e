"""Ansible become plugin: run tasks inside a root file system mounted on the target (an installed system)."""

from __future__ import annotations

DOCUMENTATION = r"""
name: chroot
short_description: Run tasks inside a root file system on the target with chroot
description:
  - Wraps each command as C(chroot ROOT /bin/sh -c ...), through C(sudo -n) when the connecting
    user is not root. Lets a play run ordinary roles inside a system just installed onto a disk
    that the live system has mounted, over the same SSH (or local) connection.
  - Needs pipelining (modules are fed to the chroot's Python on its standard input), so only
    modules that need no file transfer work (user, getent, file, stat, command, shell, lineinfile).
author: Kierto contributors
options:
  become_user:
    description:
      - Not a user; tasks run as root inside the chroot. A name no login has, so that Ansible never
        skips the chroot as "becoming the same user" when the connecting user is root.
    default: kierto-chroot
  chroot_root:
    description: The root file system's mount point on the target.
    required: true
    vars:
      - name: os_install_root
"""

import shlex

from ansible.plugins.become import BecomeBase


class BecomeModule(BecomeBase):
    """chroot into the installed system (through sudo for a non-root bench user)."""

    name = "kierto.bench.chroot"
    pipelining = True

    def build_become_command(self, cmd, shell):
        """Wrap the command so that it runs inside the chroot as root."""
        super().build_become_command(cmd, shell)
        if not cmd:
            return cmd
        root = shlex.quote(self.get_option("chroot_root"))
        inner = shlex.quote(self._build_success_command(cmd, shell))
        return "/bin/sh -c " + shlex.quote(
            f'if [ "$(id -u)" = 0 ]; then exec chroot {root} /bin/sh -c {inner}; '
            f"else exec sudo -n chroot {root} /bin/sh -c {inner}; fi"
        )
