/**
 * Loads an Ink screen with the CI variables hidden. Ink decides once, when loaded, that a CI
 * variable in the environment means "no live frames"; a person at a real terminal (a CI job's debug
 * shell, `docker exec -it` with CI=true inherited) still gets the live screen: the variables are
 * hidden from Ink while it loads, then put back.
 */
export async function importWithoutCi<T>(load: () => Promise<T>): Promise<T> {
  const keys = ['CI', 'CONTINUOUS_INTEGRATION'] as const;
  const saved = keys.map((k) => process.env[k]);
  for (const k of keys) delete process.env[k];
  try {
    return await load();
  } finally {
    keys.forEach((k, i) => {
      if (saved[i] !== undefined) process.env[k] = saved[i];
    });
  }
}
