#!/usr/bin/python3
"""The tutorial's own function stack, for bench/function_url to compare with.

    /usr/bin/python3 function_url_python.py DATA_CSV

Trains the tutorial's model on DATA_CSV (what `ccapproval generate` wrote):
scikit-learn's DecisionTreeClassifier(max_depth=3, random_state=0) on the
group-unaware features Num_Children, Income, Own_Car, Own_Housing and the
Target label, fitted on train_test_split(train_size=0.8, test_size=0.2,
random_state=0)'s training rows -- the settings `ccapproval train` uses for
the model its inference image carries (tests/sklearn/compare_credit_card.py
checks the two trees are equal). Then serves lambda_handler the way a
function URL does, from the standard library's ThreadingHTTPServer on a free
127.0.0.1 port: a POST's body becomes the event's "body", and the handler's
statusCode and body become the HTTP response. Keep-alive (HTTP/1.1) like a
function URL, TCP_NODELAY, a listen backlog of 128, no per-request log line.

Prints "serving on http://127.0.0.1:PORT" once listening; stops on SIGTERM
or SIGINT.
"""

import json
import signal
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
from sklearn.model_selection import train_test_split
from sklearn.tree import DecisionTreeClassifier

FEATURES = ["Num_Children", "Income", "Own_Car", "Own_Housing"]
LABEL = "Target"


def train(csv_path):
    with open(csv_path, "rb") as fh:
        header = fh.readline().decode().rstrip("\n").split(",")
        data = np.loadtxt(fh, dtype=np.int64, delimiter=",")
    columns = [header.index(name) for name in FEATURES]
    X = data[:, columns].astype(np.float32)
    y = data[:, header.index(LABEL)]
    X_train, _, y_train, _ = train_test_split(X, y, train_size=0.8, test_size=0.2,
                                              random_state=0)
    return DecisionTreeClassifier(max_depth=3, random_state=0).fit(X_train, y_train)


MODEL = None


def lambda_handler(event, context):
    """The tutorial's handler: the applicant's features in, the approval out.
    A function URL delivers the applicant as the JSON text of event["body"];
    a direct invocation passes the applicant itself."""
    applicant = json.loads(event["body"]) if "body" in event else event
    features = [[applicant[name] for name in FEATURES]]
    prediction = MODEL.predict(features)[0]
    return {"statusCode": 200, "body": json.dumps({"prediction": int(prediction)})}


class FunctionUrl(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # The headers and the body go out in two writes; with Nagle's algorithm
    # the second waits for the client's delayed ACK (about 40 ms a request).
    disable_nagle_algorithm = True

    def do_POST(self):
        length = int(self.headers.get("Content-Length", 0))
        event = {"version": "2.0", "rawPath": self.path,
                 "body": self.rfile.read(length).decode(), "isBase64Encoded": False}
        try:
            result = lambda_handler(event, None)
            status, body = result["statusCode"], result["body"].encode()
        except Exception as e:  # what Lambda reports as a function error
            status, body = 502, json.dumps({"message": str(e)}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):
        pass


class Server(ThreadingHTTPServer):
    # socketserver's default listen backlog of 5 drops connections when 64
    # arrive at once, which would be measured as the handler's slowness.
    request_queue_size = 128
    daemon_threads = True


def main():
    global MODEL
    if len(sys.argv) != 2:
        sys.exit("usage: function_url_python.py DATA_CSV")
    MODEL = train(sys.argv[1])
    server = Server(("127.0.0.1", 0), FunctionUrl)

    def stop(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    print(f"serving on http://127.0.0.1:{server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    server.server_close()


if __name__ == "__main__":
    main()
