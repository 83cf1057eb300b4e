#!/usr/bin/python3
# A notation plugin (contract 1.0) written for nota's tests. It holds the key in key.pem / chain.pem next to it and
# reads its metadata and behaviour from config.json there; a "mode" in pluginConfig overrides the file's. Modes make
# it misbehave in one way each (exit non-zero, print garbage, hang, answer for another key, ...). Every command it
# receives is appended to calls.log, and the last verify-signature request is kept in last-verify-request.json.
import base64
import datetime
import json
import os
import sys
import time

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa, utils

HERE = os.path.dirname(os.path.abspath(__file__))
PAYLOAD_TYPE = "application/vnd.cncf.notary.payload.v1+json"
HASHES = {"SHA-256": hashes.SHA256, "SHA-384": hashes.SHA384, "SHA-512": hashes.SHA512}


def fail(code, message):
    sys.stderr.write(json.dumps({"errorCode": code, "errorMessage": message}))
    sys.exit(1)


def b64(data):
    return base64.b64encode(data).decode("ascii")


def b64url(data):
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def key_material():
    with open(os.path.join(HERE, "key.pem"), "rb") as f:
        key = serialization.load_pem_private_key(f.read(), password=None)
    with open(os.path.join(HERE, "chain.pem"), "rb") as f:
        text = f.read().decode("ascii")
    marker = "-----END CERTIFICATE-----"
    chain = [x509.load_pem_x509_certificate((block + marker).encode("ascii"))
             for block in text.split(marker) if "BEGIN CERTIFICATE" in block]
    return key, [c.public_bytes(serialization.Encoding.DER) for c in chain]


def key_spec(key):
    if isinstance(key, rsa.RSAPrivateKey):
        return "RSA-%d" % key.key_size, "RSASSA-PSS-SHA-%d" % {2048: 256, 3072: 384, 4096: 512}[key.key_size]
    bits = key.curve.key_size
    return "EC-%d" % bits, "ECDSA-SHA-%d" % {256: 256, 384: 384, 521: 512}[bits]


def sign(key, data, hash_name):
    h = HASHES[hash_name]()
    if isinstance(key, rsa.RSAPrivateKey):
        return key.sign(data, padding.PSS(mgf=padding.MGF1(h), salt_length=h.digest_size), h)
    r, s = utils.decode_dss_signature(key.sign(data, ec.ECDSA(h)))
    n = (key.curve.key_size + 7) // 8
    return r.to_bytes(n, "big") + s.to_bytes(n, "big")


def metadata(req, cfg, mode):
    return {"name": cfg["name"], "description": "nota test plugin", "version": cfg.get("version", "1.0.0"),
            "url": "https://example.invalid/nota-test-plugin",
            "supportedContractVersions": cfg.get("contractVersions", ["1.0"]),
            "capabilities": cfg["capabilities"]}


def check_key(req, cfg):
    if req.get("keyId") != cfg["keyId"]:
        fail("VALIDATION_ERROR", "unknown key id %r" % req.get("keyId"))


def describe_key(req, cfg, mode):
    check_key(req, cfg)
    key, _ = key_material()
    spec, _ = key_spec(key)
    if mode == "wrong-spec":
        spec = "EC-256" if spec.startswith("RSA") else "RSA-2048"
    return {"keyId": "someone-else" if mode == "wrong-key" else req["keyId"], "keySpec": spec}


def generate_signature(req, cfg, mode):
    check_key(req, cfg)
    key, chain = key_material()
    _, algorithm = key_spec(key)
    data = base64.b64decode(req["payload"])
    signature = sign(key, b"something else" if mode == "bad-signature" else data, req["hashAlgorithm"])
    if mode == "wrong-algorithm":
        algorithm = "ECDSA-SHA-256" if algorithm.startswith("RSASSA") else "RSASSA-PSS-SHA-256"
    if mode == "bad-chain":
        chain = [b"not a certificate"]
    return {"keyId": "someone-else" if mode == "wrong-key" else req["keyId"], "signature": b64(signature),
            "signingAlgorithm": algorithm, "certificateChain": [b64(c) for c in chain]}


def generate_envelope(req, cfg, mode):
    check_key(req, cfg)
    if req.get("signatureEnvelopeType") != "application/jose+json":
        fail("VALIDATION_ERROR", "this test plugin only makes JWS envelopes")
    config = req.get("pluginConfig") or {}
    key, chain = key_material()
    spec, algorithm = key_spec(key)
    alg = ("PS" if spec.startswith("RSA") else "ES") + algorithm[-3:]
    payload = base64.b64decode(req["payload"])
    if mode == "wrong-target":
        doc = json.loads(payload)
        doc["targetArtifact"]["size"] += 1
        payload = json.dumps(doc, separators=(",", ":")).encode()
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    header = {"alg": alg, "cty": PAYLOAD_TYPE, "io.cncf.notary.signingScheme": "notary.x509",
              "io.cncf.notary.signingTime": now.strftime("%Y-%m-%dT%H:%M:%SZ")}
    crit = ["io.cncf.notary.signingScheme"]
    if req.get("expiryDurationInSeconds"):
        expiry = now + datetime.timedelta(seconds=req["expiryDurationInSeconds"])
        header["io.cncf.notary.expiry"] = expiry.strftime("%Y-%m-%dT%H:%M:%SZ")
        crit.append("io.cncf.notary.expiry")
    for name, field in (("verificationPlugin", "io.cncf.notary.verificationPlugin"),
                        ("verificationPluginMinVersion", "io.cncf.notary.verificationPluginMinVersion"),
                        ("criticalKey", None)):
        value = config.get(name, cfg.get("envelope", {}).get(name))
        if value:
            if field is None:
                field, value = value, "SomeValue"
            header[field] = value
            crit.append(field)
    header["crit"] = crit
    protected = b64url(json.dumps(header, separators=(",", ":"), sort_keys=True).encode())
    signing_input = (protected + "." + b64url(payload)).encode("ascii")
    hash_name = "SHA-" + algorithm[-3:]
    envelope = {"payload": b64url(payload), "protected": protected,
                "header": {"x5c": [b64(c) for c in chain], "io.cncf.notary.signingAgent": "nota-test-plugin/1.0"},
                "signature": b64url(sign(key, signing_input, hash_name))}
    envelope_type = "application/cose" if mode == "wrong-envelope-type" else "application/jose+json"
    return {"signatureEnvelope": b64(json.dumps(envelope).encode()), "signatureEnvelopeType": envelope_type,
            "annotations": {"dev.nota.test-plugin": "envelope"}}


def verify_signature(req, cfg, mode):
    with open(os.path.join(HERE, "last-verify-request.json"), "w") as f:
        json.dump(req, f)
    capabilities = req["trustPolicy"]["signatureVerification"]
    ok = mode != "verify-fail"
    results = {c: {"success": ok, "reason": "the test plugin says " + ("valid" if ok else "invalid")}
               for c in capabilities}
    processed = [] if mode == "skip-attributes" else req["signature"].get("unprocessedAttributes") or []
    return {"verificationResults": results, "processedAttributes": processed}


COMMANDS = {"get-plugin-metadata": metadata, "describe-key": describe_key,
            "generate-signature": generate_signature, "generate-envelope": generate_envelope,
            "verify-signature": verify_signature}


def main():
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    with open(os.path.join(HERE, "config.json")) as f:
        cfg = json.load(f)
    with open(os.path.join(HERE, "calls.log"), "a") as f:
        f.write(command + "\n")
    raw = sys.stdin.read()
    try:
        req = json.loads(raw) if raw.strip() else {}
    except ValueError:
        fail("VALIDATION_ERROR", "the request is not JSON")
    config = req.get("pluginConfig") or {}
    mode = config.get("mode", cfg.get("mode", "ok"))
    if config.get("modeCommand", cfg.get("modeCommand", command)) != command:
        mode = "ok"
    if mode == "noisy":
        sys.stderr.write("TEST-PLUGIN-STDERR-NOISE a plugin may log here\n")
    if mode == "exit-1":
        fail("ACCESS_DENIED", "the test plugin denies access")
    if mode == "crash":
        sys.stderr.write("Traceback (most recent call last): the test plugin crashed\n")
        sys.exit(3)
    if mode == "garbage":
        sys.stdout.write("hello, this is not JSON")
        return
    if mode == "hang":
        time.sleep(600)
        return
    if mode == "big":
        chunk = "x" * 1048576
        for _ in range(cfg.get("bigMiB", 65)):
            sys.stdout.write(chunk)
        return
    if command not in COMMANDS:
        fail("VALIDATION_ERROR", "unknown command %r" % command)
    json.dump(COMMANDS[command](req, cfg, mode), sys.stdout)


if __name__ == "__main__":
    main()
