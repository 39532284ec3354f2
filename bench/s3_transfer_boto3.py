#!/usr/bin/python3
"""boto3's side of bench/s3_transfer (run by the driver with Debian's python3).

  s3_transfer_boto3.py ENDPOINT ACCESS_KEY SECRET_KEY BUCKET large FILE KEY
      one upload_file with boto3's default TransferConfig (multipart above
      8 MiB, 8 MiB parts, 10 threads)
  s3_transfer_boto3.py ENDPOINT ACCESS_KEY SECRET_KEY BUCKET small DIR PREFIX
      every file of DIR, a loop of upload_file (the simple way a script does
      it; files this small go up as one PUT each)

Prints the seconds the uploads took: the client is made, and the
interpreter started, before the clock starts.
"""
import os
import sys
import time

import boto3
from botocore.config import Config


def main(argv):
    endpoint, access_key, secret_key, bucket, mode, path, key = argv[1:8]
    s3 = boto3.client(
        "s3", endpoint_url=endpoint, aws_access_key_id=access_key,
        aws_secret_access_key=secret_key, region_name="us-east-1",
        config=Config(s3={"addressing_style": "path"}))
    s3.list_objects_v2(Bucket=bucket, MaxKeys=1)  # a warm connection, as ours has
    if mode == "large":
        start = time.monotonic()
        s3.upload_file(path, bucket, key)
    else:
        names = sorted(os.listdir(path))
        start = time.monotonic()
        for name in names:
            s3.upload_file(os.path.join(path, name), bucket, key + name)
    print(f"{time.monotonic() - start:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
