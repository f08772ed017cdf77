"""The baseline: a bare kombu request/reply server (no framework), on the same broker as the nameko service."""

import sys

from kombu import Connection, Consumer, Exchange, Producer, Queue


def main(amqp_uri: str, queue_name: str) -> None:
    with Connection(amqp_uri) as conn:
        channel = conn.channel()
        queue = Queue(queue_name, Exchange(""), routing_key=queue_name, auto_delete=True, channel=channel)
        queue.declare()
        producer = Producer(conn.channel(), serializer="json")

        def on_request(body, message):
            producer.publish(body, routing_key=message.properties["reply_to"],
                             correlation_id=message.properties["correlation_id"], retry=False)
            message.ack()

        with Consumer(channel, queues=[queue], callbacks=[on_request], accept=["json"]):
            print("ready", flush=True)
            while True:
                conn.drain_events()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
