# ktap command (tool): OpenSSH's sshd for the loopback SSH tests. The tests start their own
# sshd on 127.0.0.1 with a temporary config; the system's ssh service must neither start
# nor be enabled: invoke-rc.d is told "no" (policy-rc.d exit 101) while the package
# installs, and the units the package enabled are disabled again.
if ! dpkg -s openssh-server >/dev/null 2>&1; then
    ktap_policy_added=
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
        $SUDO chmod 755 /usr/sbin/policy-rc.d
        ktap_policy_added=1
    fi
    ktap_apt_install openssh-server openssh-client
    [ -n "$ktap_policy_added" ] && $SUDO rm -f /usr/sbin/policy-rc.d
    unset ktap_policy_added
    if command -v deb-systemd-helper >/dev/null; then
        $SUDO deb-systemd-helper disable ssh.service ssh.socket >/dev/null 2>&1 || true
    fi
    $SUDO update-rc.d ssh disable >/dev/null 2>&1 || true
fi
# Flame graphs: the SVG of `ktap run --flamegraph` is checked in a real browser, Debian's
# headless Chromium (tests/lib/flamegraph-browser.py, from Ktap.Tests and tests/boards/flamegraph.sh).
ktap_apt_install chromium
# USDT markers: systemtap's <sys/sdt.h> (one header for every target) builds
# tests/kernel/sdt-markers.c, for Ktap.Tests' note reader tests and for every board in
# tests/boards/ktap-e2e.sh.
ktap_apt_install systemtap-sdt-dev
