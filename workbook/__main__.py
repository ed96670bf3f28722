from .cli import main

if __name__ == "__main__":  # not when a worker process (tutor/grader.py) imports it
    raise SystemExit(main())
