#!/usr/bin/python3
"""An SMTP server for tests: aiosmtpd's Mailbox handler (one file per message
under MAILDIR/new) behind STARTTLS and AUTH, which `python3 -m aiosmtpd`
cannot combine.

usage: smtp_server.py PORT MAILDIR CERT KEY USER PASSWORD

STARTTLS is required before MAIL, AUTH (PLAIN or LOGIN, only after STARTTLS)
before MAIL, and only USER with PASSWORD is accepted. Listens on 127.0.0.1;
prints "ready" once it accepts connections; stops on SIGTERM or SIGINT.
"""
import signal
import ssl
import sys
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Mailbox
from aiosmtpd.smtp import AuthResult, LoginPassword


def main():
    port, maildir, cert, key, user, password = sys.argv[1:7]
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)

    def authenticate(server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword)
              and auth_data.login.decode() == user
              and auth_data.password.decode() == password)
        # handled=False: aiosmtpd answers 535 itself on a failure.
        return AuthResult(success=ok, handled=False)

    controller = Controller(Mailbox(maildir), hostname="127.0.0.1", port=int(port),
                            tls_context=context, require_starttls=True,
                            auth_required=True, auth_require_tls=True,
                            authenticator=authenticate)
    controller.start()
    print("ready", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main()
