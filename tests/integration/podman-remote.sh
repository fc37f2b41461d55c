#!/usr/bin/env bash
# podman-remote.sh: reaching an engine the other ways the Docker CLI does:
# TCP with TLS and client certificates (DOCKER_HOST, DOCKER_TLS_VERIFY,
# DOCKER_CERT_PATH) through a TLS front that requires them, a wrong CA or a
# missing client certificate giving one sentence, and the current Docker
# context found in ~/.docker when DOCKER_HOST is unset.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
require_cmd openssl python3
start_podman demo
sock=${DOCKER_HOST#unix://}

# a CA, a server certificate for 127.0.0.1, a client certificate
C="$T/certs"
mkdir -p "$C" "$T/wrong"
(
	cd "$C"
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=lab-ca -keyout ca-key.pem -out ca.pem
	openssl req -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -keyout server-key.pem -out server.csr
	printf 'subjectAltName=IP:127.0.0.1\n' >ext.cnf
	openssl x509 -req -in server.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 2 -extfile ext.cnf -out server-cert.pem
	openssl req -newkey rsa:2048 -nodes -subj /CN=operator -keyout key.pem -out client.csr
	printf 'extendedKeyUsage=clientAuth\n' >client.cnf
	openssl x509 -req -in client.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 2 -extfile client.cnf -out cert.pem
	cd "$T/wrong" && openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=other -keyout k.pem -out ca.pem
) >/dev/null 2>&1 || { echo "FAIL: openssl could not make the certificates"; exit 1; }
python3 "$LAB/tls-proxy.py" "$T/port" "$C" "$sock" >"$T/proxy.out" 2>&1 &
cleanup "kill $!"
wait_until 10 grep -q ready "$T/proxy.out" || { echo "FAIL: the TLS front did not start"; exit 1; }
port=$(cat "$T/port")

out=$(DOCKER_HOST="tcp://127.0.0.1:$port" DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH="$C" run_binnacle get containers 2>&1)
check "TCP with TLS and a client certificate lists the containers" grep -q '^worker ' <<<"$out"
out=$(DOCKER_HOST="tcp://127.0.0.1:$port" DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH="$C" run_binnacle get nodes 2>&1)
check "and the engine host through it" grep -q 'Podman' <<<"$out"

cp "$T/wrong/ca.pem" "$T/wrong/cert.pem"
cp "$T/wrong/k.pem" "$T/wrong/key.pem"
err=$(DOCKER_HOST="tcp://127.0.0.1:$port" DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH="$T/wrong" run_binnacle get containers 2>&1); rc=$?
check "a server not signed by the trusted CA is refused" [ $rc -eq 1 ]
check "in one sentence about TLS" grep -q "TLS with tcp://127.0.0.1:$port failed" <<<"$err"
mkdir -p "$T/nocert" && cp "$C/ca.pem" "$T/nocert/"
err=$(DOCKER_HOST="tcp://127.0.0.1:$port" DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH="$T/nocert" run_binnacle get containers 2>&1); rc=$?
check "without a client certificate the engine's front refuses" [ $rc -eq 1 ]
check "as one readable line" [ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ]
err=$(DOCKER_HOST="tcp://127.0.0.1:$port" DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH="$T/missing" run_binnacle get containers 2>&1)
check "a missing ca.pem is named" grep -q "needs $T/missing/ca.pem" <<<"$err"

# the current Docker context, as `docker context use` leaves it
ctx=lab-context
hash=$(printf '%s' "$ctx" | sha256sum | cut -d' ' -f1)
mkdir -p "$T/home/.docker/contexts/meta/$hash"
printf '{"currentContext":"%s"}\n' "$ctx" >"$T/home/.docker/config.json"
printf '{"Name":"%s","Metadata":{},"Endpoints":{"docker":{"Host":"%s","SkipTLSVerify":false}}}\n' "$ctx" "$DOCKER_HOST" \
	>"$T/home/.docker/contexts/meta/$hash/meta.json"
# (in ~/.docker, where docker looks when DOCKER_CONFIG does not say otherwise)
out=$(unset DOCKER_HOST DOCKER_CONFIG; HOME="$T/home" run_binnacle get containers 2>&1)
check "the current Docker context is found without DOCKER_HOST" grep -q '^worker ' <<<"$out"
out=$(unset DOCKER_HOST DOCKER_CONFIG; HOME="$T/home" DOCKER_CONTEXT=nonexistent run_binnacle get containers 2>&1)
check "DOCKER_CONTEXT overrides it" test -z "$(grep '^worker ' <<<"$out")"
finish
