// What each MLmodel key means, for hover, completion and the file checks.

export const MLMODEL_KEYS: Record<string, string> = {
  flavors: 'How the model can be loaded: one entry per flavor (`python_function`, `sklearn`, ...), each with its own settings.',
  utc_time_created: 'When the model was saved, in UTC, as a quoted string `YYYY-MM-DD HH:MM:SS.ffffff`.',
  mlflow_version: 'MLflow version that saved the model.',
  model_uuid: 'Unique id of this model (a uuid4 hex in MLflow 2.x; equal to `model_id` in 3.x).',
  model_id: 'MLflow 3 LoggedModel id (`m-` followed by 32 hex digits), or null.',
  run_id: 'Id of the run that logged the model.',
  artifact_path: 'Where the model was logged: a path in the run (2.x) or the full artifact URI (3.x).',
  signature: 'Model signature: `inputs`, `outputs` and `params`, each a JSON string (not YAML) or null.',
  is_signature_from_type_hint: 'True when the signature was inferred from Python type hints.',
  type_hint_from_example: 'True when the type hint was inferred from the input example.',
  saved_input_example_info: 'Where the input example is stored and how to read it: `artifact_path`, `type`, `pandas_orient`, `serving_input_path`.',
  metadata: 'Free-form user metadata.',
  model_size_bytes: 'Size of the model directory in bytes.',
  resources: 'Resources the model depends on (e.g. Databricks serving endpoints): `{api_version: "1", databricks: {...}}`.',
  auth_policy: 'Authorization policy for the resources the model uses.',
  env_vars: 'Names of environment variables the model needs at inference time (also listed in environment_variables.txt).',
  prompts: 'URIs of registered prompts the model uses.',
  databricks_runtime: 'Databricks Runtime version the model was saved on.',
};

export const SIGNATURE_KEYS: Record<string, string> = {
  inputs: 'Input schema as a JSON string: a list of column specs `{"name", "type", "required"}` or tensor specs `{"type": "tensor", "tensor-spec": {"dtype", "shape"}}`.',
  outputs: 'Output schema as a JSON string, in the same form as `inputs`.',
  params: 'Inference parameters as a JSON string: a list of `{"name", "type", "default", "shape"}`.',
};

export const INPUT_EXAMPLE_KEYS: Record<string, string> = {
  artifact_path: 'File holding the input example, beside MLmodel (usually `input_example.json`).',
  type: 'Kind of example: `dataframe`, `ndarray`, `json_object`, `sparse_matrix_csc` or `sparse_matrix_csr`.',
  pandas_orient: 'How a dataframe example is laid out: `split` or `values`.',
  serving_input_path: 'File holding the example as a scoring-server request, beside MLmodel (usually `serving_input_example.json`).',
  params: 'Whether the example includes inference params (`"true"`).',
};

export const INPUT_EXAMPLE_TYPES = ['dataframe', 'ndarray', 'json_object', 'sparse_matrix_csc', 'sparse_matrix_csr'];

export const FLAVORS: Record<string, string> = {
  python_function: 'Generic Python model, loadable with `mlflow.pyfunc.load_model` and servable. Needs `loader_module`.',
  sklearn: 'scikit-learn model (`pickled_model`, `sklearn_version`, `serialization_format`).',
  pytorch: 'PyTorch model (`model_data`, `pytorch_version`).',
  tensorflow: 'TensorFlow model (`saved_model_dir` or Keras `data`).',
  keras: 'Keras 3 model (`data`, `keras_version`, `keras_backend`).',
  xgboost: 'XGBoost model (`data`, `xgb_version`, `model_class`, `model_format`).',
  lightgbm: 'LightGBM model (`data`, `lgb_version`, `model_class`).',
  catboost: 'CatBoost model.',
  onnx: 'ONNX model (`data`, `onnx_version`, `providers`).',
  transformers: 'Hugging Face transformers pipeline (`task`, `transformers_version`, `model_binary`).',
  sentence_transformers: 'sentence-transformers model.',
  spark: 'Spark MLlib model.',
  statsmodels: 'statsmodels model.',
  prophet: 'Prophet model.',
  pmdarima: 'pmdarima model.',
  h2o: 'H2O model.',
  spacy: 'spaCy model.',
  langchain: 'LangChain chain or agent.',
  openai: 'OpenAI model wrapper.',
  llama_index: 'LlamaIndex index or engine.',
  dspy: 'DSPy program.',
  paddle: 'PaddlePaddle model.',
  fastai: 'fastai learner.',
  mleap: 'MLeap bundle.',
  diviner: 'Diviner model.',
  promptflow: 'Prompt flow.',
};

export const PYFUNC_KEYS: Record<string, string> = {
  loader_module: 'Python module whose `_load_pyfunc(path)` loads the model (e.g. `mlflow.sklearn`). Required.',
  python_version: 'Python version the model was saved with.',
  data: 'Model data file or directory, relative to the model directory.',
  code: 'Directory of code added to sys.path when loading, or null.',
  env: 'Environment files: `{conda: conda.yaml, virtualenv: python_env.yaml}` (a single conda path before MLflow 2.0).',
  model_path: 'Model file for the sklearn loader.',
  predict_fn: 'Method called for predictions (e.g. `predict`, `predict_proba`).',
  python_model: 'Pickled PythonModel instance (custom pyfunc).',
  artifacts: 'Artifacts of a custom pyfunc: `{name: {path, uri}}`.',
  cloudpickle_version: 'cloudpickle version used to pickle the model.',
  streamable: 'Whether the model supports predict_stream.',
  model_code_path: 'Python file defining the model (models from code).',
  config: 'Model configuration passed to the loader.',
};

/** Flavor keys whose value is a file or directory relative to the MLmodel directory. */
export const PATH_KEYS = ['data', 'model_path', 'pickled_model', 'model_data', 'python_model', 'saved_model_dir', 'code', 'model_code_path', 'model_binary'];
