// CVSS base scores from vectors, and the severity a score means.
//
// OSV gives severity as a vector ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"),
// not a number: CvssV3BaseScore computes the CVSS 3.0/3.1 base score with
// the specification's formula and its Roundup; CvssV2BaseScore the 2.0
// one. Pure functions; thread-safe.
#pragma once

#include <string_view>

#include "common/status.h"
#include "scan/findings.h"

namespace sluice::scan {

// The base score (0.0-10.0, one decimal) of a CVSS 3.0 or 3.1 vector: the
// "CVSS:3.x/" prefix then the eight base metrics in any order (temporal and
// environmental metrics are allowed and ignored). InvalidArgument naming
// the metric for a missing, repeated or unknown base metric or value.
Result<double> CvssV3BaseScore(std::string_view vector);
// The same for a CVSS 2.0 vector ("AV:N/AC:L/Au:N/C:P/I:P/A:P").
Result<double> CvssV2BaseScore(std::string_view vector);

// CVSS 3.1's Roundup (specification Appendix A): the smallest number with
// one decimal that is >= value, computed on integers so that floating point
// error does not add a tenth (Roundup(4.000000000000001) == 4.0). CVSS 3.0
// vectors use the plain ceil(value * 10) / 10 their specification gives.
double CvssV31Roundup(double value);

// Severity of a CVSS 3.x score, as NVD and Harness STO rate it: 9.0-10
// Critical, 7.0-8.9 High, 4.0-6.9 Medium, 0.1-3.9 Low, 0 Info.
Severity SeverityForScore(double score);

}  // namespace sluice::scan
