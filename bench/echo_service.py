"""A nameko service for the RPC benchmark, built exactly like the suite's services (svckit rpc + Auth)."""

from svckit.entrypoints import Auth, rpc


class EchoService:
    name = "bench_echo"
    auth = Auth()

    @rpc
    def echo(self, payload):
        _ = self.auth.principal  # decode and verify the caller's principal, as every real entrypoint does
        return payload
