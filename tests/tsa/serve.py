#!/usr/bin/env python3
"""A local RFC 3161 time-stamping authority over HTTP for the tests: each POST body (a
TimeStampReq) goes to `openssl ts -reply`, and its answer goes back.
    serve.py DIR PORTFILE   (DIR made by make-tsa.sh; the chosen port is written to PORTFILE)
Requests are counted in DIR/requests."""
import http.server, subprocess, sys, os

directory, port_file = sys.argv[1], sys.argv[2]

class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        query = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        with open(os.path.join(directory, "requests"), "a") as log:
            log.write(self.headers.get("Content-Type", "") + "\n")
        if os.path.exists(os.path.join(directory, "refuse")):
            self.send_response(503); self.end_headers(); return
        reply = subprocess.run(["openssl", "ts", "-reply", "-config", os.path.join(directory, "tsa.cnf"),
                                "-queryfile", "/dev/stdin"], input=query, capture_output=True)
        self.send_response(200 if reply.returncode == 0 else 500)
        self.send_header("Content-Type", "application/timestamp-reply")
        self.send_header("Content-Length", str(len(reply.stdout)))
        self.end_headers()
        self.wfile.write(reply.stdout)
    def log_message(self, *args):
        pass

server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
with open(port_file + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
os.replace(port_file + ".tmp", port_file)
server.serve_forever()
