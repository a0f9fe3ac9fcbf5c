import sys

from .runner import main

if len(sys.argv) > 1 and sys.argv[1] == "--list":
    import json

    from .plugins import describe

    print(json.dumps(describe()))
    sys.exit(0)
sys.exit(main(sys.argv))
