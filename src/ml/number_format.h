// Numbers as text, for people (reports, messages) and for Python-minded
// readers (files a notebook used to write).
//
// PythonRepr prints a double the way Python 3's repr(float) / str(float)
// does: the shortest digits that read back to the same double, in fixed
// notation when the decimal exponent is in [-4, 16) and scientific otherwise
// ("0.92669", "7.3500000000000085", "21.0", "1e-05", "1e+16", "inf", "nan",
// "-0.0"). Files written with it read back bit for bit.
//
// The Format* functions are for display only: they round (correctly, from the
// exact binary value, ties to even) and group the integer part in thousands
// with commas ("41,500.5"). Non-finite values print as "nan", "inf", "-inf".
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>

namespace sluice::ml {

std::string PythonRepr(double x);
// A number as a person types it, for limits and options echoed back:
// PythonRepr without Python's ".0" on whole numbers ("90", "0.9", "0",
// "7.3500000000000085", "1e+16").
std::string FormatExact(double x);

// "100,000"; "-1,234".
std::string FormatCount(int64_t n);
// `decimals` digits after the point, always ("0.92669", "41,500.50").
std::string FormatFixed(double x, int decimals);
// Up to `max_decimals` digits after the point, trailing zeros (and a bare
// point) dropped ("41,500.5", "21", "0.9"). A value that rounds to zero
// prints "0" (never "-0").
std::string FormatTrimmed(double x, int max_decimals);

}  // namespace sluice::ml
