"""The MLflow 2.x client scenario, driven through the real MLflow 2.7.1 client against MLFLOW_TRACKING_URI.

Experiments, runs and nested runs, params, metrics (NaN and infinities too) and their history, tags,
artifacts uploaded, listed and downloaded, a sklearn model logged and registered, loaded by version, alias
and stage, runs and model versions searched, runs and experiments deleted and restored. Each step runs on
its own; the last line of stdout is `RESULTS <json list of {step, ok, value | error}>`.
"""
import json
import math
import os
import sys
import tempfile
import traceback

import mlflow
import numpy as np
from mlflow import MlflowClient
from sklearn.linear_model import LogisticRegression

EXPERIMENT = "compat-mlflow2"
MODEL_NAME = "compat-model-2"

results = []


def plain(x):
    """JSON has no NaN or infinities: they travel as strings."""
    if isinstance(x, float) and not math.isfinite(x):
        return "nan" if math.isnan(x) else ("inf" if x > 0 else "-inf")
    if isinstance(x, (list, tuple)):
        return [plain(v) for v in x]
    if isinstance(x, dict):
        return {k: plain(v) for k, v in x.items()}
    return x


def step(name, fn):
    try:
        value = fn()
    except Exception as exc:  # every failure is data for the report
        traceback.print_exc()
        results.append({"step": name, "ok": False, "error": f"{type(exc).__name__}: {exc}"[:800]})
        return None
    results.append({"step": name, "ok": True, "value": plain(value)})
    return value


features = np.array([[0.0, 1.0], [1.0, 0.0], [0.5, 0.5], [0.9, 0.1], [0.1, 0.9], [0.2, 0.8]])
labels = np.array([0, 1, 0, 1, 0, 0])
classifier = LogisticRegression().fit(features, labels)
expected = classifier.predict(features).tolist()


def predicts_right(uri):
    return mlflow.pyfunc.load_model(uri).predict(features).tolist() == expected


client = MlflowClient()
experiment_id = step("create_experiment", lambda: client.create_experiment(EXPERIMENT, tags={"team": "compat"})) or "0"
step("get_experiment_by_name", lambda: (lambda e: {"name": e.name, "tags": e.tags, "stage": e.lifecycle_stage})(client.get_experiment_by_name(EXPERIMENT)))
step("set_experiment", lambda: mlflow.set_experiment(EXPERIMENT).experiment_id == experiment_id)

parent = mlflow.start_run(run_name="parent")
parent_id = parent.info.run_id
step("log_params", lambda: mlflow.log_params({"alpha": 0.5, "solver": "lbfgs"}))
step("log_metrics_history", lambda: [mlflow.log_metric("loss", 1.0 / (i + 1), step=i) for i in range(5)] and None)
step("log_metric_acc", lambda: mlflow.log_metric("acc", 0.75))
step("log_metrics_non_finite", lambda: mlflow.log_metrics({"nan_metric": float("nan"), "pos_inf": float("inf"), "neg_inf": float("-inf")}))
step("set_tags", lambda: mlflow.set_tags({"stage": "dev", "owner": "compat"}))


child_ids = []


def nested_run():
    with mlflow.start_run(run_name="child", nested=True) as child:
        child_ids.append(child.info.run_id)
        mlflow.log_param("depth", 1)
        mlflow.log_metric("acc", 0.5)
        return child.info.run_name


step("nested_run", nested_run)
child_id = child_ids[0] if child_ids else "missing"
step("child_parent_tag", lambda: client.get_run(child_id).data.tags.get("mlflow.parentRunId") == parent_id)

workdir = tempfile.mkdtemp()
with open(os.path.join(workdir, "notes.txt"), "w") as f:
    f.write("hello artifacts\n")
os.makedirs(os.path.join(workdir, "plots", "deep"))
with open(os.path.join(workdir, "plots", "a.csv"), "w") as f:
    f.write("x,y\n1,2\n")
with open(os.path.join(workdir, "plots", "deep", "b.json"), "w") as f:
    f.write('{"b": 1}')
step("log_artifact", lambda: mlflow.log_artifact(os.path.join(workdir, "notes.txt")))
step("log_artifacts_dir", lambda: mlflow.log_artifacts(os.path.join(workdir, "plots"), artifact_path="plots"))
step(
    "log_model",
    lambda: mlflow.sklearn.log_model(classifier, "model", registered_model_name=MODEL_NAME, input_example=features[:2]).model_uri.endswith("/model"),
)
mlflow.end_run()

step("list_artifacts_root", lambda: sorted((a.path, a.is_dir) for a in client.list_artifacts(parent_id)))
step("list_artifacts_dir", lambda: sorted((a.path, a.is_dir, a.file_size) for a in client.list_artifacts(parent_id, "plots")))


def download():
    out = tempfile.mkdtemp()
    local = client.download_artifacts(parent_id, "plots", out)
    found = {}
    for root, _, files in os.walk(local):
        for name in files:
            with open(os.path.join(root, name)) as f:
                found[os.path.relpath(os.path.join(root, name), local)] = f.read()
    with open(mlflow.artifacts.download_artifacts(run_id=parent_id, artifact_path="notes.txt", dst_path=out)) as f:
        found["notes.txt"] = f.read()
    return found


step("download_artifacts", download)


def run_summary():
    r = client.get_run(parent_id)
    return {
        "status": r.info.status,
        "name": r.info.run_name,
        "params": r.data.params,
        "metrics": {k: v for k, v in r.data.metrics.items() if k not in ("pos_inf", "neg_inf")},
        "tags": {k: v for k, v in r.data.tags.items() if k in ("stage", "owner", "mlflow.runName")},
        "has_log_model_history": "mlflow.log-model.history" in r.data.tags,
    }


step("get_run", run_summary)
step("non_finite_latest", lambda: [client.get_run(parent_id).data.metrics[k] for k in ("pos_inf", "neg_inf")])
step("metric_history", lambda: [(m.step, m.value) for m in client.get_metric_history(parent_id, "loss")])
step("metric_history_nan", lambda: [m.value for m in client.get_metric_history(parent_id, "nan_metric")])
step("load_models_version", lambda: predicts_right(f"models:/{MODEL_NAME}/1"))
step("load_runs_uri", lambda: predicts_right(f"runs:/{parent_id}/model"))
step("set_registered_model_alias", lambda: client.set_registered_model_alias(MODEL_NAME, "champion", "1"))
step("load_models_alias", lambda: predicts_right(f"models:/{MODEL_NAME}@champion"))
step("get_model_version_by_alias", lambda: client.get_model_version_by_alias(MODEL_NAME, "champion").version)
step(
    "transition_stage",
    lambda: client.transition_model_version_stage(MODEL_NAME, "1", "Staging").current_stage,
)
step("latest_versions_staging", lambda: [v.version for v in client.get_latest_versions(MODEL_NAME, stages=["Staging"])])
step("load_models_stage", lambda: predicts_right(f"models:/{MODEL_NAME}/Staging"))
step(
    "search_model_versions",
    lambda: [(v.version, v.current_stage, v.run_id == parent_id) for v in client.search_model_versions(f"name='{MODEL_NAME}'")],
)
step(
    "search_registered_models",
    lambda: [(m.name, sorted(m.aliases)) for m in client.search_registered_models(filter_string=f"name = '{MODEL_NAME}'")],
)
step(
    "search_runs_filter_order",
    lambda: [
        (r.info.run_name, r.data.metrics.get("acc"))
        for r in client.search_runs([experiment_id], filter_string="metrics.acc > 0.1", order_by=["metrics.acc DESC"])
    ],
)
step(
    "search_runs_params",
    lambda: [r.info.run_name for r in client.search_runs([experiment_id], filter_string="params.solver = 'lbfgs' and tags.stage = 'dev'")],
)
step(
    "search_runs_pandas",
    lambda: sorted(mlflow.search_runs(experiment_ids=[experiment_id], order_by=["attributes.start_time ASC"])["tags.mlflow.runName"].tolist()),
)
step("delete_run", lambda: client.delete_run(child_id))
step("deleted_run_hidden", lambda: [r.info.run_name for r in client.search_runs([experiment_id])])
step("deleted_run_listed", lambda: sorted(r.info.run_name for r in client.search_runs([experiment_id], run_view_type=mlflow.entities.ViewType.DELETED_ONLY)))
step("restore_run", lambda: client.restore_run(child_id))
step("restored_run_state", lambda: client.get_run(child_id).info.lifecycle_stage)
other_id = step("create_other_experiment", lambda: client.create_experiment("compat-mlflow2-other")) or "0"
step("delete_experiment", lambda: client.delete_experiment(other_id))
step("deleted_experiment_state", lambda: client.get_experiment(other_id).lifecycle_stage)
step("search_experiments_active", lambda: sorted(e.name for e in client.search_experiments()))
step("restore_experiment", lambda: client.restore_experiment(other_id))
step("search_experiments_all", lambda: sorted((e.name, e.lifecycle_stage) for e in client.search_experiments(view_type=mlflow.entities.ViewType.ALL)))

print("RESULTS " + json.dumps(results))
sys.exit(0)
