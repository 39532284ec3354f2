#!/usr/bin/python3
"""Cross-checks sluice's S3 client with boto3, an independent client.

Run with Debian's python3 (/usr/bin/python3, package python3-boto3):

  s3_cross_check.py ENDPOINT ACCESS_KEY SECRET_KEY BUCKET read (KEY SHA256 CONTENT_TYPE)...
      reads each object with boto3 and checks its bytes (by SHA-256) and
      Content-Type; exits 1 naming every mismatch.
  s3_cross_check.py ENDPOINT ACCESS_KEY SECRET_KEY BUCKET write PREFIX SCRATCH_DIR
      uploads a small object with put_object and a 12 MiB file with
      upload_file and a 5 MiB multipart threshold (three parts), and prints
      a JSON list of {key, sha256, content_type, etag} for the caller to read.
"""
import hashlib
import json
import os
import sys

import boto3
from boto3.s3.transfer import TransferConfig
from botocore.config import Config


def client(endpoint, access_key, secret_key):
    return boto3.client(
        "s3", endpoint_url=endpoint, aws_access_key_id=access_key,
        aws_secret_access_key=secret_key, region_name="us-east-1",
        config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}))


def read(s3, bucket, triples):
    failures = []
    for key, sha256, content_type in zip(triples[0::3], triples[1::3], triples[2::3]):
        got = s3.get_object(Bucket=bucket, Key=key)
        body = got["Body"].read()
        if hashlib.sha256(body).hexdigest() != sha256:
            failures.append(f"{key}: {len(body)} bytes with another SHA-256")
        if got["ContentType"] != content_type:
            failures.append(f"{key}: Content-Type {got['ContentType']!r}, not {content_type!r}")
    for failure in failures:
        print(failure)
    return 1 if failures else 0


def pseudo_random(size, seed):
    out = bytearray()
    block = hashlib.sha256(seed.encode()).digest()
    while len(out) < size:
        block = hashlib.sha256(block).digest()
        out += block * 32
    return bytes(out[:size])


def write(s3, bucket, prefix, scratch):
    written = []
    small_key = prefix + "small \u00e9t\u00e9 $+.txt"
    small = "written by boto3 \u2713\n".encode()
    put = s3.put_object(Bucket=bucket, Key=small_key, Body=small, ContentType="text/plain")
    written.append({"key": small_key, "sha256": hashlib.sha256(small).hexdigest(),
                    "content_type": "text/plain", "etag": put["ETag"].strip('"')})

    big_key = prefix + "multipart.bin"
    big = pseudo_random(12 << 20, "boto3")
    path = os.path.join(scratch, "boto3-multipart.bin")
    with open(path, "wb") as f:
        f.write(big)
    config = TransferConfig(multipart_threshold=5 << 20, multipart_chunksize=5 << 20)
    s3.upload_file(path, bucket, big_key, Config=config,
                   ExtraArgs={"ContentType": "application/x-model"})
    head = s3.head_object(Bucket=bucket, Key=big_key)
    written.append({"key": big_key, "sha256": hashlib.sha256(big).hexdigest(),
                    "content_type": "application/x-model", "etag": head["ETag"].strip('"')})
    print(json.dumps(written))
    return 0


def main(argv):
    if len(argv) < 6:
        print(__doc__)
        return 2
    endpoint, access_key, secret_key, bucket, mode = argv[1:6]
    s3 = client(endpoint, access_key, secret_key)
    if mode == "read":
        return read(s3, bucket, argv[6:])
    if mode == "write":
        return write(s3, bucket, argv[6], argv[7])
    print(f"unknown mode {mode!r}")
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
