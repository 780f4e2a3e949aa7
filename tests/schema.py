#!/usr/bin/python3
# schema.py SCHEMA.json < DOC.json - validate a JSON document against one of
# the OCI runtime spec's JSON schemas (draft-04, with relative $refs).
# Exit 0 when valid; otherwise print the first error and exit 1.
import json, os, sys

import jsonschema

path = os.path.abspath(sys.argv[1])
with open(path) as f:
    schema = json.load(f)
doc = json.load(sys.stdin)
resolver = jsonschema.RefResolver("file://" + os.path.dirname(path) + "/", schema)
try:
    jsonschema.Draft4Validator(schema, resolver=resolver).validate(doc)
except jsonschema.ValidationError as e:
    print("invalid: %s at %s" % (e.message, "/".join(map(str, e.absolute_path))))
    sys.exit(1)
