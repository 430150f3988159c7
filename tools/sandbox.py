#!/usr/bin/env python3
"""Runs the jesignexpert.com sandbox: tools/sandbox.py --port 8079 --data FILE."""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "jesignexpert_connector"))

from jse.sandbox.__main__ import main

if __name__ == "__main__":
    main()
