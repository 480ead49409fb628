"""The brand's review of submitted lots: queue, claim, signed decisions, deviations, charts."""
