#!/usr/bin/python3
"""A Lambda custom runtime for the function runtime's tests, written against
the Runtime API with nothing but the standard library (an independent
client). Each event is a JSON object saying what to do:
  {"echo": X}          respond {"echo": X, "pid", "request_id", "deadline_ms",
                       "arn", "trace_id", "count", "version", "color"} (the
                       last two from AWS_LAMBDA_FUNCTION_VERSION and COLOR)
  {"print": T, ...}    print T on stdout first
  {"alloc": MB, ...}   then allocate MB megabytes, written to and kept
  {"sleep": S, ...}    then sleep S seconds
  {"error": M}         post M to /error as Function.TestError
  {"exit": C}          exit with code C without answering
  {"big": N}           respond with N bytes ("x" * N as a JSON string)
  {"twice": true}      respond, then respond again to the same id (prints
                       the second answer's status)
A function URL's event (payload format 2.0) is read from its body, and its
rawPath comes back as "path". With INIT_ERROR set in the environment it
posts /init/error and exits."""
import http.client
import json
import os
import sys
import time

host, port = os.environ["AWS_LAMBDA_RUNTIME_API"].split(":")
conn = http.client.HTTPConnection(host, int(port))
base = "/2018-06-01/runtime"


def post(path, body, headers=None):
    conn.request("POST", base + path, body=body, headers=headers or {})
    r = conn.getresponse()
    r.read()
    return r.status


if os.environ.get("INIT_ERROR"):
    post("/init/error", json.dumps({"errorMessage": "model missing", "errorType": "Runtime.TestInit"}),
         {"Lambda-Runtime-Function-Error-Type": "Runtime.TestInit"})
    sys.exit(1)

print("runtime started", flush=True)
count = 0
kept = []
while True:
    conn.request("GET", base + "/invocation/next")
    r = conn.getresponse()
    event = json.loads(r.read())
    if isinstance(event, dict) and event.get("version") == "2.0" and "requestContext" in event:
        # A function URL's event: what to do is its body; the path is echoed.
        raw_path = event.get("rawPath")
        event = json.loads(event.get("body") or "{}")
        event["path"] = raw_path
    rid = r.getheader("Lambda-Runtime-Aws-Request-Id")
    count += 1
    if "print" in event:
        print(event["print"], flush=True)
    if "alloc" in event:
        kept.append(bytearray(b"x") * (event["alloc"] * 1024 * 1024))
    if "sleep" in event:
        time.sleep(event["sleep"])
    if "exit" in event:
        sys.exit(event["exit"])
    if "error" in event:
        post(f"/invocation/{rid}/error",
             json.dumps({"errorMessage": event["error"], "errorType": "TestError", "stackTrace": []}),
             {"Lambda-Runtime-Function-Error-Type": "Function.TestError"})
        continue
    if "big" in event:
        post(f"/invocation/{rid}/response", json.dumps("x" * event["big"]))
        continue
    answer = {"echo": event.get("echo"), "path": event.get("path"), "pid": os.getpid(),
              "request_id": rid,
              "deadline_ms": r.getheader("Lambda-Runtime-Deadline-Ms"),
              "arn": r.getheader("Lambda-Runtime-Invoked-Function-Arn"),
              "trace_id": r.getheader("Lambda-Runtime-Trace-Id"), "count": count,
              "version": os.environ.get("AWS_LAMBDA_FUNCTION_VERSION"),
              "color": os.environ.get("COLOR")}
    status = post(f"/invocation/{rid}/response", json.dumps(answer))
    if event.get("twice"):
        print("second answer:", post(f"/invocation/{rid}/response", "{}"), flush=True)
        print("unknown id:", post("/invocation/no-such-id/response", "{}"), flush=True)
