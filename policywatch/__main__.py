from policywatch.cli import main

raise SystemExit(main())
