# Test support: populates a tracking server with MLflow 3 entities through the REAL MLflow Python client
# (a test tool, never shipped): a run with a 30-step metric history, a sklearn logged model registered as a
# version, a model metric, and traces with nested spans, an exception and hostile strings.
# Prints one line `RESULT {json}` with the ids. MLFLOW_TRACKING_URI names the server.
import json
import sys

import mlflow
import numpy as np
from sklearn.linear_model import LogisticRegression

HOSTILE = "<img src=x onerror=alert(1)>"
experiment = sys.argv[1] if len(sys.argv) > 1 else "issue11"
registered = sys.argv[2] if len(sys.argv) > 2 else "m11"

X = np.array([[0.0, 1.0], [1.0, 0.0], [0.5, 0.5], [0.9, 0.1]])
y = np.array([0, 1, 0, 1])
clf = LogisticRegression().fit(X, y)

exp_id = mlflow.set_experiment(experiment).experiment_id
with mlflow.start_run(run_name="train") as run:
    mlflow.log_param("C", 1.0)
    for step in range(30):
        mlflow.log_metric("loss", 1.0 / (step + 1), step=step)
    info = mlflow.sklearn.log_model(clf, name="model", registered_model_name=registered)
    mlflow.log_metric("val_acc", 0.75, step=1, model_id=info.model_id)


@mlflow.trace(span_type="TOOL")
def inner(x):
    return x * 2


@mlflow.trace(name="failing")
def failing(x):
    raise ValueError("boom")


@mlflow.trace(span_type="CHAIN")
def outer(x):
    y = inner(x)
    with mlflow.start_span(name=HOSTILE) as span:
        span.set_inputs({"q": HOSTILE})
        span.set_outputs(HOSTILE)
    try:
        failing(x)
    except ValueError:
        pass
    return y + 1


outer(3)
first = mlflow.get_last_active_trace_id()
outer(4)
second = mlflow.get_last_active_trace_id()
if hasattr(mlflow, "flush_trace_async_logging"):
    mlflow.flush_trace_async_logging()
print("RESULT " + json.dumps({
    "experiment_id": exp_id,
    "run_id": run.info.run_id,
    "model_id": info.model_id,
    "registered": registered,
    "trace_ids": [first, second],
}))
