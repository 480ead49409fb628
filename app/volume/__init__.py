"""Volume data: a realistic portal's worth of rows, bulk-inserted (`flask seed volume`, the benches).

`shape` holds the sizes and the id arithmetic, `masters` and `lots` the rows every load has,
`scorecard` and `scars` what the KPIs read, `measurements` the streamed values, `audit` the
streamed, hash-chained audit trail of the lots and SCARs, `bulk` the fast inserts,
`generator.load` puts them together and `cli` is the command.
"""
