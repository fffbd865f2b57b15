/**
 * What to do about a data problem, for the codes whose messages say what is wrong but not how to
 * fix it. A problem's own hint (a did-you-mean, a swapped Embedding) wins over these.
 */
import type { DataCode } from '../diagnostics/codes.js';

export const DATA_HINTS: Partial<Record<DataCode, string>> = {
  NN803: 'save it again with np.save from a current NumPy',
  NN804: 'save it again with np.save; a header must be exactly what np.save writes',
  NN805: 'convert it to numbers first, e.g. np.save(path, array.astype(np.float32))',
  NN807: 'the file was cut short or padded: save it again with np.save',
  NN809: 'save booleans as a bool array, or as 0/1 integers',
  NN810: 'save the arrays with np.savez or np.savez_compressed',
  NN811: 'the archive is damaged: save it again with np.savez',
  NN812: 'save each array with np.savez(path, name=array)',
  NN814: 'every row (and every nested list) needs the same number of values',
  NN815: 'replace missing or non-numeric values with numbers',
  NN816: 'write one line of numbers per sample',
  NN824: 'remove or replace the non-finite values (np.nan_to_num) before training',
};
