"""The reference design's pre sign-up approach, for comparison benchmarks.

Like the reference Lambda: lower-case and syntax-check the email, then
`domain in domains` over a Python list of ~16k disposable domains read from a
file at start-up (a linear scan). Run as a process speaking the Lambda
Runtime API (for bench/coldstart), or with --per-call to time one check.
"""
import json
import os
import re
import sys
import timeit
import urllib.request

LIST = os.environ.get("DOMAINS_FILE", os.path.join(os.path.dirname(__file__), "domains16k.txt"))
with open(LIST) as f:
    DOMAINS = [line.strip() for line in f if line.strip() and not line.startswith("#")]
EMAIL = re.compile(r"^[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}$")


def handler(event):
    email = event["request"]["userAttributes"]["email"].lower()
    if not EMAIL.match(email):
        raise Exception("Invalid email")
    if event["triggerSource"] != "PreSignUp_AdminCreateUser" and email.split("@")[1] in DOMAINS:
        raise Exception("Disposable email")
    return event


def serve_one():
    api = os.environ["AWS_LAMBDA_RUNTIME_API"]
    with urllib.request.urlopen(f"http://{api}/2018-06-01/runtime/invocation/next") as r:
        rid = r.headers["Lambda-Runtime-Aws-Request-Id"]
        event = json.loads(r.read())
    body = json.dumps(handler(event)).encode()
    urllib.request.urlopen(urllib.request.Request(
        f"http://{api}/2018-06-01/runtime/invocation/{rid}/response", data=body, method="POST")).read()


if __name__ == "__main__":
    if "--per-call" in sys.argv:
        event = {"triggerSource": "PreSignUp_SignUp", "request": {"userAttributes": {"email": "jane.doe@mail.example.co.uk"}}}
        n = 2000
        t = timeit.timeit(lambda: handler(event), number=n)
        print(f"{len(DOMAINS)} domains: {t / n * 1e6:.1f} µs per call")
    else:
        serve_one()
