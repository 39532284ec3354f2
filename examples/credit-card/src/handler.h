// The credit-card function's handler: one Lambda event in, the function's
// response out, as JSON text (runtime_client.h carries them to and from the
// Runtime API). Two kinds of event:
//
//  - a direct event (the tutorial's test event) is the application itself:
//      {"Num_Children": 2, "Income": 500000, "Own_Car": 1, "Own_Housing": 1}
//    -> {"statusCode": 200, "body": "{\"prediction\": 1}"}
//    exactly the tutorial's lambda_function.py answer;
//  - a function-URL event (payload format 2.0: "version": "2.0" and a
//    "requestContext") carries the application as the JSON object in
//    "body" (base64 when "isBase64Encoded")
//    -> {"statusCode": 200, "headers": {"content-type": "application/json"},
//        "body": "{\"prediction\": 1}"}
//    so that the caller of the URL receives {"prediction": 1}.
//
// The prediction is the class `ccapproval predict` gives (scoring.h). Bad
// input -- an event or body that is not JSON or not an object, an empty
// body, a missing or non-numeric feature -- is answered, not failed:
// statusCode 400 (same shape as above) with body {"message": "..."} naming
// the field and what is wrong, never quoting the input.
//
// The model is the caller's, loaded and checked (CheckScoringModel) once at
// start. Text is written as Python's json.dumps writes it (", " and ": "),
// as the tutorial's handler answers. Pure function; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "ml/model_file.h"

namespace ccapproval {

std::string HandleEvent(const sluice::ml::ModelFile& model, std::string_view event);

}  // namespace ccapproval
