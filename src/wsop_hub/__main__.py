from wsop_hub.cli import main

raise SystemExit(main())
