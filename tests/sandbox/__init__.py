"""Tests of the local AWS sandbox (``python -m sandbox``), with plain boto3."""
