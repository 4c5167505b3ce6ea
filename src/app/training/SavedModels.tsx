/**
 * The models kept in this browser: open one in the playground, export it as a .hvae file (which
 * `npm run eval` and `npm run score` load), delete it, or import such a file. A file that is not
 * a model is refused with the reason, and nothing stored changes.
 */
import { useEffect, useState, type ChangeEvent } from 'react';
import { MODEL_FILE_EXTENSION } from '../../hvae/modelFile.ts';
import { deleteLocalModel, freeName, listLocalModels, loadLocalModel, localKey, saveLocalModel, summarize, type LocalModelSummary } from '../localModels.ts';
import { useView } from '../store.ts';
import { StorageFullError } from '../indexedDb.ts';
import { useTrainingRun } from './trainingRun.ts';

/** Offers a model file to the user as a download named after the model. */
export function downloadModel(name: string, file: ArrayBuffer): void {
  const url = URL.createObjectURL(new Blob([file], { type: 'application/octet-stream' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = `${name.replace(/[^\w.-]+/g, '_')}${MODEL_FILE_EXTENSION}`;
  a.click();
  // The download has its own reference to the data once started.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export function SavedModels() {
  const savedVersion = useTrainingRun((s) => s.savedVersion);
  const modelsChanged = useTrainingRun((s) => s.modelsChanged);
  const setView = useView((v) => v.set);
  const [models, setModels] = useState<LocalModelSummary[] | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);

  useEffect(() => {
    listLocalModels().then(setModels, (e: Error) => {
      setModels([]);
      setMessage(e.message);
    });
  }, [savedVersion]);

  const act = async (what: () => Promise<void>) => {
    try {
      await what();
      setMessage(null);
    } catch (e) {
      setNote(null);
      setMessage((e as Error).message);
    }
  };

  const onImport = async (e: ChangeEvent<HTMLInputElement>) => {
    const input = e.currentTarget;
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    await act(async () => {
      const bytes = await file.arrayBuffer();
      const base = file.name.endsWith(MODEL_FILE_EXTENSION) ? file.name.slice(0, -MODEL_FILE_EXTENSION.length) : file.name;
      // Checks the whole file (format, config, weight sizes, finite values) before storing anything.
      const summary = summarize(freeName(base, (models ?? []).map((m) => m.name)), bytes, file.name);
      try {
        await saveLocalModel(summary, bytes);
      } catch (err) {
        throw err instanceof StorageFullError ? new Error(`${err.message}. Delete saved models to make room, then import again.`) : err;
      }
      setNote(`Imported ${file.name} as "${summary.name}".`);
      modelsChanged();
    });
  };

  return (
    <section className="saved-models" aria-label="Models kept in this browser">
      <h2>Models kept in this browser</h2>
      {message && (
        <p className="message" role="alert">
          {message}
        </p>
      )}
      {note && <p role="status">{note}</p>}
      <label className="import">
        Import a model file ({MODEL_FILE_EXTENSION}) <input type="file" accept={`${MODEL_FILE_EXTENSION},application/octet-stream`} onChange={(e) => void onImport(e)} data-testid="import-model" />
      </label>
      {models && models.length === 0 && <p>None yet: a trained model is kept here when its training ends.</p>}
      {models && models.length > 0 && (
        <table data-testid="saved-models">
          <thead>
            <tr>
              <th scope="col">name</th>
              <th scope="col">trained on</th>
              <th scope="col">configuration</th>
              <th scope="col">size</th>
              <th scope="col">saved</th>
              <th scope="col">actions</th>
            </tr>
          </thead>
          <tbody>
            {models.map((m) => (
              <tr key={m.name}>
                <th scope="row">{m.name}</th>
                <td>
                  {m.dataset} ({m.description})
                </td>
                <td>{m.config}</td>
                <td>{(m.bytes / 1e6).toFixed(2)} MB</td>
                <td>{new Date(m.savedAt).toLocaleString()}</td>
                <td className="actions">
                  <button type="button" onClick={() => setView({ page: 'play', model: localKey(m.name), gallery: null })}>
                    Open in playground
                  </button>
                  <button type="button" onClick={() => void act(async () => downloadModel(m.name, await loadLocalModel(m.name)))} aria-label={`Export ${m.name}`}>
                    Export
                  </button>
                  <button
                    type="button"
                    aria-label={`Delete ${m.name}`}
                    onClick={() => {
                      if (!window.confirm(`Delete the model "${m.name}" from this browser? Export it first to keep a copy.`)) return;
                      void act(async () => {
                        await deleteLocalModel(m.name);
                        modelsChanged();
                      });
                    }}
                  >
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
