#!/usr/bin/env bash
# Certificates for mutual TLS between Ninyo's services and Temporal's frontend
# (docker-compose.yml mounts ops/tls/out at /tls). A private CA, a server certificate for
# "temporal" and one client certificate shared by the API, the workers, the setup job and
# the Web UI. Keep out/ off git (it is ignored); re-run to rotate (then restart).
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p out && chmod 700 out && cd out
days=${DAYS:-825}
openssl req -x509 -newkey rsa:4096 -nodes -keyout ca.key -out ca.pem -days "$days" \
  -subj "/CN=ninyo-temporal-ca"
for who in server client; do
  cn=$([ "$who" = server ] && echo temporal || echo ninyo-client)
  openssl req -newkey rsa:2048 -nodes -keyout "$who.key" -out "$who.csr" -subj "/CN=$cn"
  printf "subjectAltName=DNS:temporal,DNS:localhost\nextendedKeyUsage=%s\n" \
    "$([ "$who" = server ] && echo serverAuth,clientAuth || echo clientAuth)" > "$who.ext"
  openssl x509 -req -in "$who.csr" -CA ca.pem -CAkey ca.key -CAcreateserial \
    -out "$who.pem" -days "$days" -extfile "$who.ext"
  rm -f "$who.csr" "$who.ext"
done
chmod 600 ./*.key
echo "written: $(pwd)/{ca,server,client}.pem and keys"
