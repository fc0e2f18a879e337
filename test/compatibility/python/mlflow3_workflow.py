"""The typical MLflow 3 workflow, driven through the real MLflow 3.11 client against MLFLOW_TRACKING_URI.

Each step is run on its own; a failing step is recorded (with its error) and the next steps still run, so one
report shows everything that works and everything that does not. The last line of stdout is
`RESULTS <json list of {step, ok, value | error}>`; values are plain JSON the test checks.
"""
import json
import sys
import traceback

import mlflow
import numpy as np
from mlflow import MlflowClient
from sklearn.linear_model import LogisticRegression

EXPERIMENT = "compat-mlflow3"
MODEL_NAME = "compat-model-3"

results = []


def step(name, fn):
    try:
        value = fn()
    except Exception as exc:  # every failure is data for the report
        traceback.print_exc()
        results.append({"step": name, "ok": False, "error": f"{type(exc).__name__}: {exc}"[:800]})
        return None
    results.append({"step": name, "ok": True, "value": value})
    return value


features = np.array([[0.0, 1.0], [1.0, 0.0], [0.5, 0.5], [0.9, 0.1], [0.1, 0.9], [0.2, 0.8]])
labels = np.array([0, 1, 0, 1, 0, 0])
classifier = LogisticRegression().fit(features, labels)
expected = classifier.predict(features).tolist()


def predicts_right(uri):
    return mlflow.pyfunc.load_model(uri).predict(features).tolist() == expected


client = MlflowClient()
experiment_id = step("set_experiment", lambda: mlflow.set_experiment(EXPERIMENT).experiment_id)
run = mlflow.start_run(run_name="compat-run")
run_id = run.info.run_id
step("log_param", lambda: mlflow.log_param("C", 1.0))
step("log_metric", lambda: mlflow.log_metric("accuracy", 0.9, step=1))
model_info = step(
    "log_model",
    lambda: mlflow.sklearn.log_model(classifier, name="model", registered_model_name=MODEL_NAME, input_example=features[:2]),
)
if model_info is not None:
    results[-1]["value"] = "ModelInfo"
model_id = model_info.model_id if model_info else "m-missing"
step(
    "model_info",
    lambda: {
        "model_id_form": model_id.startswith("m-"),
        "registered_model_version": model_info.registered_model_version,
        "model_uri_is_models_id": model_info.model_uri == f"models:/{model_id}",
        "flavors": sorted(model_info.flavors),
    },
)
step("log_metric_with_model_id", lambda: mlflow.log_metric("val_accuracy", 0.8, step=1, model_id=model_id))
mlflow.end_run()


def logged_model():
    m = client.get_logged_model(model_id)
    return {
        "name": m.name,
        "status": str(m.status),
        "source_run_is_run": m.source_run_id == run_id,
        "metrics": sorted((x.key, x.value, x.step) for x in (m.metrics or [])),
        "params": dict(m.params or {}),
    }


step("get_logged_model", logged_model)
step(
    "search_logged_models",
    lambda: [m.name for m in mlflow.search_logged_models(experiment_ids=[experiment_id], output_format="list")],
)
step(
    "search_logged_models_filter",
    lambda: [
        m.name
        for m in mlflow.search_logged_models(
            experiment_ids=[experiment_id], filter_string="name = 'model'", output_format="list"
        )
    ],
)
step("load_models_version", lambda: predicts_right(f"models:/{MODEL_NAME}/1"))
step("set_registered_model_alias", lambda: client.set_registered_model_alias(MODEL_NAME, "champion", "1"))
step("load_models_alias", lambda: predicts_right(f"models:/{MODEL_NAME}@champion"))
step("load_models_model_id", lambda: predicts_right(f"models:/{model_id}"))
step("load_runs_uri", lambda: predicts_right(f"runs:/{run_id}/model"))


def model_version():
    v = client.get_model_version(MODEL_NAME, "1")
    return {"version": v.version, "status": v.status, "run_is_run": v.run_id == run_id, "model_id_is_model": v.model_id == model_id, "aliases": list(v.aliases)}


step("get_model_version", model_version)
step("search_model_versions", lambda: [v.version for v in client.search_model_versions(f"name='{MODEL_NAME}'")])


@mlflow.trace
def double(x):
    return x * 2


@mlflow.trace(name="failing")
def failing(x):
    raise ValueError("boom")


@mlflow.trace
def pipeline(x):
    y = double(x)
    try:
        failing(x)
    except ValueError:
        pass
    return y + 1


step("traced_call", lambda: pipeline(3))
trace_id = step("last_active_trace_id", lambda: mlflow.get_last_active_trace_id()) or "tr-missing"
if hasattr(mlflow, "flush_trace_async_logging"):
    mlflow.flush_trace_async_logging()


def trace_summary():
    t = mlflow.get_trace(trace_id)
    spans = {s.name: s for s in t.data.spans}
    root = spans.get("pipeline")
    return {
        "state": str(t.info.state),
        "spans": sorted(spans),
        "failing_status": str(spans["failing"].status.status_code) if "failing" in spans else None,
        "failing_has_exception_event": any(e.name == "exception" for e in spans["failing"].events) if "failing" in spans else False,
        "children_of_root": sorted(s.name for s in t.data.spans if root is not None and s.parent_id == root.span_id),
        "root_outputs": root.outputs if root is not None else None,
    }


step("get_trace", trace_summary)
step("search_traces", lambda: [t.info.trace_id == trace_id for t in mlflow.search_traces(locations=[experiment_id], return_type="list")])
step(
    "search_traces_filter",
    lambda: [
        t.info.trace_id == trace_id
        for t in mlflow.search_traces(locations=[experiment_id], filter_string="status = 'OK'", return_type="list")
    ],
)
step("set_trace_tag", lambda: client.set_trace_tag(trace_id, "reviewed", "yes"))
step("trace_tag_visible", lambda: mlflow.get_trace(trace_id).info.tags.get("reviewed"))
step("delete_traces", lambda: client.delete_traces(experiment_id=experiment_id, trace_ids=[trace_id]))
step("search_traces_after_delete", lambda: len(mlflow.search_traces(locations=[experiment_id], return_type="list")))

print("RESULTS " + json.dumps(results, default=str))
sys.exit(0)
