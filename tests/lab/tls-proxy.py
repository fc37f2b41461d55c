#!/usr/bin/env python3
"""tls-proxy.py: a TLS front for a unix-socket Docker API, as a remote engine
with `dockerd --tlsverify` looks to a client: it requires a client certificate
signed by the CA and forwards bytes both ways (streams and hijacked exec too).

usage: tls-proxy.py LISTEN_PORT_FILE CERT_DIR TARGET_SOCK
CERT_DIR holds ca.pem, server-cert.pem, server-key.pem. Binds 127.0.0.1 on a
free port, writes it to LISTEN_PORT_FILE, prints "ready".
"""
import os
import socket
import ssl
import sys
import threading


def pump(src, dst):
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            dst.sendall(data)
    except OSError:
        pass
    finally:
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def serve(conn, target):
    up = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        up.connect(target)
    except OSError:
        conn.close()
        return
    threading.Thread(target=pump, args=(conn, up), daemon=True).start()
    pump(up, conn)


def main():
    port_file, cert_dir, target = sys.argv[1:4]
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(os.path.join(cert_dir, "server-cert.pem"), os.path.join(cert_dir, "server-key.pem"))
    ctx.load_verify_locations(os.path.join(cert_dir, "ca.pem"))
    ctx.verify_mode = ssl.CERT_REQUIRED
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", 0))
    srv.listen(64)
    with open(port_file, "w") as f:
        f.write(str(srv.getsockname()[1]))
    print("ready", flush=True)
    while True:
        raw, _ = srv.accept()
        try:
            conn = ctx.wrap_socket(raw, server_side=True)
        except (ssl.SSLError, OSError):
            raw.close()
            continue
        threading.Thread(target=serve, args=(conn, target), daemon=True).start()


if __name__ == "__main__":
    main()
