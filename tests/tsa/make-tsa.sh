#!/usr/bin/env bash
# Makes a local time-stamping authority for the tests: a CA, a TSA certificate it issued
# (extendedKeyUsage critical timeStamping, as RFC 3161 requires) and OpenSSL's TSA config.
#   make-tsa.sh DIR [rsa|ec]
# Then: openssl ts -reply -config DIR/tsa.cnf -queryfile Q.tsq -out R.tsr
set -euo pipefail
dir=$1
kind=${2:-rsa}
mkdir -p "$dir"
cd "$dir"
key() {
  if [ "$kind" = ec ]; then
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null
  else
    openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1" 2>/dev/null
  fi
}
key ca.key
openssl req -x509 -new -key ca.key -sha256 -days 3650 -subj "/O=Test Trust Services/CN=Test Timestamp Root CA" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" -out ca.crt 2>/dev/null
key tsa.key
openssl req -new -key tsa.key -subj "/O=Test Trust Services/CN=Test Time-Stamping Authority" -out tsa.csr 2>/dev/null
cat > tsa.ext <<'EXT'
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,nonRepudiation
extendedKeyUsage=critical,timeStamping
subjectKeyIdentifier=hash
EXT
openssl x509 -req -in tsa.csr -CA ca.crt -CAkey ca.key -CAcreateserial -sha256 -days 3650 -extfile tsa.ext \
  -out tsa.crt 2>/dev/null
echo 01 > serial
cat > tsa.cnf <<CNF
[ tsa ]
default_tsa = tsa_config1
[ tsa_config1 ]
dir = $PWD
serial = \$dir/serial
crypto_device = builtin
signer_cert = \$dir/tsa.crt
certs = \$dir/ca.crt
signer_key = \$dir/tsa.key
signer_digest = sha256
default_policy = 1.2.3.4.1
other_policies = 1.2.3.4.5
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = no
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
CNF
