"""Pure quality maths for Kensa: no Flask or database imports."""
