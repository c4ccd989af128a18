/**
 * The name an image is tagged with (`docker build -t`) and titled by, from the app's own name.
 * Docker takes only lowercase letters and digits, with ".", "_" or "-" between them, so a Go module
 * example.com/MyTool is tagged mytool and "my app" my-app; "app" when nothing usable is left.
 */
export const imageNameFor = (name: string) =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '') || 'app';
