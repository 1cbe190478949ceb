"""A real HTTP server on the loopback address that receives webhooks, as a customer's would.

It records every delivery (headers and body) and answers with the statuses it is told, in order (then
200), so a test can make it fail and then succeed.
"""

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Delivery:
    path: str
    headers: dict
    body: bytes

    @property
    def payload(self):
        return json.loads(self.body)


@dataclass
class Receiver:
    answers: list = field(default_factory=list)
    deliveries: list = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    server: ThreadingHTTPServer | None = None

    @property
    def url(self):
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/hooks"

    def start(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with receiver.lock:
                    receiver.deliveries.append(Delivery(self.path, dict(self.headers.items()), body))
                    status = receiver.answers.pop(0) if receiver.answers else 200
                self.send_response(status)
                self.send_header("Content-Type", "text/plain")
                self.end_headers()
                self.wfile.write(b"ok" if status < 300 else f"nope {status}".encode())

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def of_type(self, event):
        return [delivery for delivery in self.deliveries if delivery.payload["type"] == event]
