"""The executions API as a team would hand-roll it with the standard library,
for bench/server_api: ThreadingHTTPServer (a thread per connection,
HTTP/1.1 keep-alive), sqlite3 on the sluice database (one connection per
thread) and json.

  /usr/bin/python3 server_api_python.py STATE_DIR

TCP_NODELAY is set (disable_nagle_algorithm): without it every keep-alive
answer waits 40 ms for a delayed ACK, which would measure TCP, not python.

Serves, with a Bearer API token checked as sluice checks it (its SHA-256
looked up in api_tokens, the user looked up and not disabled):
  GET /api/executions?limit=&pipeline=&status=&cursor=   newest first,
      the same rows and summary fields as sluice, nextCursor
  GET /api/executions/{id}   the summary, pipelineYaml, nodes, artifacts,
      policy evaluations with their results, approvals with activities
Prints "listening on http://127.0.0.1:PORT" once it listens on a free port.
"""

import hashlib
import json
import sqlite3
import sys
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

DB = None
local = threading.local()

SUMMARY = ("id, pipeline_id, pipeline_name, sequence_id, status, started_ms, ended_ms, "
           "inputs_json, trigger_type, failure_message, retried_from, retry_from_node")


def db():
    conn = getattr(local, "conn", None)
    if conn is None:
        conn = sqlite3.connect(DB, timeout=5)
        conn.execute("PRAGMA query_only = 1")
        local.conn = conn
    return conn


def summary(r):
    started, ended = r[5], r[6]
    return {"id": r[0], "pipelineId": r[1], "pipelineName": r[2], "sequenceId": r[3],
            "status": r[4], "startedMs": started, "endedMs": ended,
            "durationMs": ended - started if started > 0 and ended >= started else 0,
            "triggerType": r[8], "inputs": json.loads(r[7]), "failureMessage": r[9],
            "retriedFrom": r[10], "retryFromNode": r[11], "queued": False}


def list_executions(params):
    limit = int(params.get("limit", "50"))
    if not 1 <= limit <= 1000:
        return 400, {"code": "InvalidArgument", "message": "limit: give 1 to 1000"}
    where, args = [], []
    if params.get("pipeline"):
        where.append("pipeline_id = ?")
        args.append(params["pipeline"])
    if params.get("status"):
        where.append("status = ?")
        args.append(params["status"])
    started, row = 2**63 - 1, 2**63 - 1
    if params.get("cursor"):
        started, row = (int(x) for x in params["cursor"].split("."))
    where.append("(started_ms, row) < (?, ?)")
    args += [started, row, limit + 1]
    rows = db().execute("SELECT " + SUMMARY + ", row FROM executions WHERE " +
                        " AND ".join(where) + " ORDER BY started_ms DESC, row DESC LIMIT ?",
                        args).fetchall()
    cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        cursor = "%d.%d" % (rows[-1][5], rows[-1][12])
    return 200, {"executions": [summary(r) for r in rows], "nextCursor": cursor}


def get_execution(ident):
    conn = db()
    r = conn.execute("SELECT " + SUMMARY + ", pipeline_yaml FROM executions WHERE id = ?",
                     (ident,)).fetchone()
    if r is None:
        return 404, {"code": "NotFound", "message": "no execution " + ident}
    out = summary(r)
    out["pipelineYaml"] = r[12]
    out["nodes"] = [
        {"path": n[0], "kind": n[1], "identifier": n[2], "name": n[3], "type": n[4],
         "status": n[5], "startedMs": n[6], "endedMs": n[7],
         "durationMs": n[7] - n[6] if n[6] > 0 and n[7] >= n[6] else 0, "attempt": n[8],
         "outputs": json.loads(n[9]), "failureType": n[10], "failureMessage": n[11],
         "sortOrder": n[12], "details": json.loads(n[13])}
        for n in conn.execute(
            "SELECT path, kind, identifier, name, type, status, started_ms, ended_ms, attempt, "
            "outputs_json, failure_type, failure_message, sort_order, details_json FROM nodes "
            "WHERE execution_id = ? ORDER BY sort_order, path", (ident,))]
    out["artifacts"] = [
        {"id": a[0], "nodePath": a[1], "attempt": a[2], "name": a[3], "url": a[4], "size": a[5],
         "sha256": a[6], "contentType": a[7], "createdMs": a[8],
         "stored": bool(a[9]) and a[4].startswith("file://")}
        for a in conn.execute(
            "SELECT id, node_path, attempt, name, url, size, sha256, content_type, created_ms, "
            "bucket FROM artifacts WHERE execution_id = ? ORDER BY id", (ident,))]
    evaluations = {}
    for e in conn.execute(
            "SELECT id, node_path, attempt, status, input_json, evaluated_ms FROM "
            "policy_evaluations WHERE execution_id = ? ORDER BY id", (ident,)):
        evaluations[e[0]] = {"id": e[0], "nodePath": e[1], "attempt": e[2], "status": e[3],
                             "input": json.loads(e[4]), "evaluatedMs": e[5], "results": []}
    for p in conn.execute(
            "SELECT r.evaluation_id, r.policy_set, r.policy_set_name, r.policy, r.severity, "
            "r.status, r.deny_messages_json, r.error, r.duration_us FROM policy_results r "
            "JOIN policy_evaluations e ON e.id = r.evaluation_id WHERE e.execution_id = ? "
            "ORDER BY r.evaluation_id, r.id", (ident,)):
        evaluations[p[0]]["results"].append(
            {"policySet": p[1], "policySetName": p[2], "policy": p[3], "severity": p[4],
             "status": p[5], "denyMessages": json.loads(p[6]), "error": p[7],
             "durationUs": p[8]})
    out["policyEvaluations"] = list(evaluations.values())
    approvals = []
    for a in conn.execute(
            "SELECT node_path, status, message, user_groups_json, minimum_count, "
            "disallow_executor, approver_inputs_json, requested_ms, deadline_ms, decided_ms "
            "FROM approvals WHERE execution_id = ? ORDER BY node_path", (ident,)):
        activities = [
            {"user": {"name": x[0], "email": x[1]}, "action": x[2], "comments": x[3],
             "approverInputs": json.loads(x[4]), "approvedAt": x[5]}
            for x in conn.execute(
                "SELECT user, email, action, comments, inputs_json, at_ms FROM "
                "approval_activities WHERE execution_id = ? AND node_path = ? ORDER BY id",
                (ident, a[0]))]
        approvals.append({"step": a[0], "status": a[1], "message": a[2],
                          "userGroups": json.loads(a[3]), "minimumCount": a[4],
                          "disallowPipelineExecutor": bool(a[5]),
                          "approverInputs": json.loads(a[6]), "requestedMs": a[7],
                          "deadlineMs": a[8], "decidedMs": a[9], "activities": activities})
    out["approvals"] = approvals
    return 200, out


def authenticated(header):
    if not header or not header.startswith("Bearer "):
        return False
    digest = hashlib.sha256(header[7:].encode()).hexdigest()
    conn = db()
    t = conn.execute("SELECT user_name, expires_ms FROM api_tokens WHERE token_sha256 = ?",
                     (digest,)).fetchone()
    if t is None:
        return False
    u = conn.execute("SELECT role, disabled FROM users WHERE name = ?", (t[0],)).fetchone()
    return u is not None and not u[1]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body leave in separate writes: with Nagle's algorithm the
    # body waits for the client's delayed ACK, 40 ms a request.
    disable_nagle_algorithm = True

    def log_message(self, *args):
        pass

    def send_json(self, status, doc):
        body = json.dumps(doc).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if not authenticated(self.headers.get("Authorization")):
            return self.send_json(401, {"code": "Unauthenticated", "message": "sign in"})
        url = urllib.parse.urlsplit(self.path)
        params = dict(urllib.parse.parse_qsl(url.query))
        parts = [p for p in url.path.split("/") if p]
        if parts == ["api", "executions"]:
            return self.send_json(*list_executions(params))
        if len(parts) == 3 and parts[:2] == ["api", "executions"]:
            return self.send_json(*get_execution(urllib.parse.unquote(parts[2])))
        self.send_json(404, {"code": "NotFound", "message": "no route " + url.path})


class Server(ThreadingHTTPServer):
    daemon_threads = True
    # socketserver's backlog of 5 drops connections 64 clients open at once.
    request_queue_size = 128


def main():
    global DB
    DB = sys.argv[1] + "/sluice.db"
    server = Server(("127.0.0.1", 0), Handler)
    print("listening on http://127.0.0.1:%d" % server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
