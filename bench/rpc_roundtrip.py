"""RPC round trip through Pressroom's stack vs a bare kombu request/reply on the same broker, same run.

    .venv/bin/python bench/rpc_roundtrip.py [--calls 3000]

Ours: the gateway's RpcClient (per-thread nameko standalone proxy, signed principal in the context data, AMQP
expiration) calling a nameko service built like the suite's (svckit rpc + Auth) in its own process.
Baseline: a kombu client publishing to a queue that a plain kombu consumer (own process) answers.
Both echo the same small JSON payload; calls alternate in blocks so drift hits both alike.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kombu import Connection, Consumer, Producer, Queue  # noqa: E402

from bench import results  # noqa: E402
from bench.common import BIN, child, summary, vhost, wait_until  # noqa: E402

PAYLOAD = {"contact_id": "5f0c7a4e-6b1d-4c1e-9a53-0b7f3c2f1a11", "fields": ["name", "email"], "n": 1}


class KombuClient:
    def __init__(self, amqp_uri: str, queue_name: str):
        self.conn = Connection(amqp_uri)
        self.queue_name = queue_name
        self.reply_queue = Queue(f"reply-{uuid.uuid4().hex}", exclusive=True, auto_delete=True)
        self.channel = self.conn.channel()
        self.producer = Producer(self.conn.channel(), serializer="json")
        self.replies: dict[str, object] = {}
        self.consumer = Consumer(self.channel, queues=[self.reply_queue], callbacks=[self._on_reply],
                                 accept=["json"], no_ack=True)
        self.consumer.consume()

    def _on_reply(self, body, message):
        self.replies[message.properties["correlation_id"]] = body

    def call(self, payload):
        cid = uuid.uuid4().hex
        self.producer.publish(payload, routing_key=self.queue_name, reply_to=self.reply_queue.name,
                              correlation_id=cid, retry=False)
        while cid not in self.replies:
            self.conn.drain_events(timeout=10)
        return self.replies.pop(cid)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=3000)
    parser.add_argument("--blocks", type=int, default=10)
    args = parser.parse_args()
    started = results.start()

    from gateway.rpc import RpcClient
    from svckit.principal import Principal
    from svckit.settings import principal_secret

    with vhost() as amqp_uri:
        queue_name = f"bench-kombu-{uuid.uuid4().hex[:8]}"
        config = Path(f"/tmp/pressroom-bench-echo-{uuid.uuid4().hex[:6]}.yml")
        config.write_text(json.dumps({"AMQP_URI": amqp_uri, "PRINCIPAL_SECRET": principal_secret(),
                                      "serializer": "json", "max_workers": 10}))
        with child([str(BIN / "nameko"), "run", "--config", str(config), "bench.echo_service"], log_name="nameko"), \
             child([sys.executable, "bench/kombu_echo.py", amqp_uri, queue_name], log_name="kombu"):
            rpc = RpcClient(amqp_uri, principal_secret(), timeout=10)
            principal = Principal(kind="user", account_id=str(uuid.uuid4()), user_id=str(uuid.uuid4()),
                                  roles=("user",), clients={str(uuid.uuid4()): "full"}, lang="de")
            wait_until(lambda: rpc.call("bench_echo", "echo", 1, principal=principal, timeout=1) == 1,
                       what="nameko echo service")
            time.sleep(0.5)
            kombu = KombuClient(amqp_uri, queue_name)
            wait_until(lambda: kombu.call(1) == 1, what="kombu echo server")

            ours: list[float] = []
            bare: list[float] = []
            per_block = max(1, args.calls // args.blocks)
            for _ in range(200):  # warm-up
                rpc.call("bench_echo", "echo", PAYLOAD, principal=principal)
                kombu.call(PAYLOAD)
            for _ in range(args.blocks):
                for _ in range(per_block):
                    t = time.perf_counter()
                    assert rpc.call("bench_echo", "echo", PAYLOAD, principal=principal, request_id="bench") == PAYLOAD
                    ours.append((time.perf_counter() - t) * 1000)
                for _ in range(per_block):
                    t = time.perf_counter()
                    assert kombu.call(PAYLOAD) == PAYLOAD
                    bare.append((time.perf_counter() - t) * 1000)
            rpc.close()
        config.unlink(missing_ok=True)

    o, b = summary(ours), summary(bare)
    print(f"RPC round trip, {o['n']} sequential calls each, same broker, same run")
    print(f"  Pressroom stack (gateway RpcClient -> nameko svckit rpc): median {o['median_ms']:.3f} ms, "
          f"p99 {o['p99_ms']:.3f} ms")
    print(f"  bare kombu request/reply:                                  median {b['median_ms']:.3f} ms, "
          f"p99 {b['p99_ms']:.3f} ms")
    print(f"  ratio (ours / bare): median {o['median_ms'] / b['median_ms']:.2f}, p99 {o['p99_ms'] / b['p99_ms']:.2f}"
          f"   (target: median ratio <= 3)")
    median_ratio = o["median_ms"] / b["median_ms"]
    results.record("rpc_roundtrip", started, {"calls": o["n"], "ours": o, "bare_kombu": b,
                                              "ratio_median": round(median_ratio, 3),
                                              "ratio_p99": round(o["p99_ms"] / b["p99_ms"], 3)}, [
        results.row("RPC round trip, median (`bench/rpc_roundtrip.py`)", f"{o['median_ms']:.2f} ms",
                    f"bare kombu request/reply {b['median_ms']:.2f} ms", f"{median_ratio:.2f}",
                    f"<= 3: {'met' if median_ratio <= 3 else 'NOT met'}"),
        results.row("RPC round trip, p99", f"{o['p99_ms']:.2f} ms", f"{b['p99_ms']:.2f} ms",
                    f"{o['p99_ms'] / b['p99_ms']:.2f}"),
    ])


if __name__ == "__main__":
    main()
