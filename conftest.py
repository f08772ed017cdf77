# eventlet must patch the standard library before anything imports sockets or threads (nameko runs on it)
import warnings

warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")

import eventlet  # noqa: E402

eventlet.monkey_patch()

pytest_plugins = ["svckit_testing.plugin", "gateway_testing", "smtpsink.testing"]
